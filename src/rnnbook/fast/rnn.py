"""Fast RNN kernels: :mod:`rnnbook.numpy.rnn`, same functions, same results.

The equations and the parameter layout are those of :mod:`rnnbook.numpy.rnn`
(z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh, h_t = φ(z_t)). What differs is
how they are evaluated: the input projection of every step is one matrix
product before the time loop, the weight gradients one product after it, and
inside the loop only the product with W_hh remains, written into
preallocated buffers. Tested equal to the literal module and to
``torch.nn.RNN``.
"""

from __future__ import annotations

import numpy as np

from ..numpy import _validate as validate


# ------------------------------------------------------------------- step math
def _rnn_step(a: np.ndarray, nonlinearity: str) -> np.ndarray:
    """h_t = φ(z_t), computed in place in ``a`` (which is returned)."""
    if nonlinearity == "tanh":
        return np.tanh(a, out=a)
    return np.maximum(a, 0, out=a)


def _rnn_local_grad(h: np.ndarray, nonlinearity: str) -> np.ndarray:
    """φ'(z_t) written through h_t = φ(z_t).

    1 - h_t^2 for tanh, [h_t > 0] for relu.

    Works on any shape, so the sequence backward computes it for all steps
    at once.
    """
    if nonlinearity == "tanh":
        return 1.0 - h * h
    return (h > 0).astype(h.dtype)


def _rnn_step_backward(
    dh: np.ndarray, fprime: np.ndarray, out: np.ndarray
) -> np.ndarray:
    """δ_t = dh_t ⊙ φ'(z_t): the gradient of the pre-activation z_t."""
    return np.multiply(dh, fprime, out=out)


def _param_grads(delta, x, h_prev, params) -> dict:
    """Weight gradients from stacked 2-D δ (N, H), x (N, D), h_{t-1} (N, H)."""
    grads = {"weight_ih": delta.T @ x, "weight_hh": delta.T @ h_prev}
    if "bias_ih" in params:  # both biases or neither
        db = delta.sum(axis=0)
        grads["bias_ih"], grads["bias_hh"] = db, db.copy()
    return grads


# -------------------------------------------------------------------- one step
def rnn_cell_forward(x_t, h_prev, params, nonlinearity="tanh"):
    """One step of the simple RNN.

    h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).

    Parameters
    ----------
    x_t : ndarray (B, D)
        Input at this step.
    h_prev : ndarray (B, H) or None
        Previous hidden state h_{t-1}; None means zeros.
    params : dict
        ``weight_ih`` (H, D), ``weight_hh`` (H, H), ``bias_ih`` (H,),
        ``bias_hh`` (H,) (both biases or neither).
    nonlinearity : {'tanh', 'relu'}

    Returns
    -------
    h_t : ndarray (B, H)
    cache : dict
        What :func:`rnn_cell_backward` needs.  It holds its own copies of
        ``x_t``, ``h_prev`` and ``h_t`` (editing them in place afterwards is
        harmless) and refers to ``params`` (update it after the backward pass).
    """
    validate.check_nonlinearity(nonlinearity)
    x_t = validate.check_x(x_t, ndim=2, name="x_t")
    B, D = x_t.shape
    H = validate.check_params("rnn", params, D, x_t.dtype)
    h_prev = validate.check_state("h_prev", h_prev, B, H, x_t.dtype)
    a = x_t @ params["weight_ih"].T + h_prev @ params["weight_hh"].T
    b = validate.bias_sum(params)
    if b is not None:
        a += b
    h = _rnn_step(a, nonlinearity)
    cache = dict(made_by="fast.rnn_cell_forward", x=x_t, h_prev=h_prev, h=h,
                 params=params, nonlinearity=nonlinearity)
    return h.copy(), cache


def rnn_cell_backward(dh_t, cache):
    """Backward of :func:`rnn_cell_forward`.

    With δ_t = dh_t ⊙ φ'(z_t):  dx_t = W_ih^T δ_t,  dh_{t-1} = W_hh^T δ_t,
    dW_ih = δ_t x_t^T,  dW_hh = δ_t h_{t-1}^T,  db_ih = db_hh = δ_t (each
    summed over the batch).  In row-vector code: ``dx = delta @ W_ih``.

    Returns
    -------
    dx_t : ndarray (B, D)
    dh_prev : ndarray (B, H)
    grads : dict with the keys of ``params``
    """
    validate.check_cache(cache, "fast.rnn", step=True)
    h, params = cache["h"], cache["params"]
    dh_t = validate.check_grad("dh_t", dh_t, h.shape, h.dtype)
    delta = _rnn_step_backward(
        dh_t, _rnn_local_grad(h, cache["nonlinearity"]), out=np.empty_like(h)
    )
    dx = delta @ params["weight_ih"]
    dh_prev = delta @ params["weight_hh"]
    grads = _param_grads(delta, cache["x"], cache["h_prev"], params)
    return dx, dh_prev, grads


# -------------------------------------------------------------- whole sequence
def rnn_forward(x, h0, params, nonlinearity="tanh"):
    """Run the simple RNN over a sequence.

    For t = 1..T:  z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh,  h_t = φ(z_t).

    Parameters
    ----------
    x : ndarray (T, B, D)
        Time-major input sequence.
    h0 : ndarray (B, H) or None
        Initial state; None means zeros.
    params : dict
        ``weight_ih`` (H, D), ``weight_hh`` (H, H), ``bias_ih`` (H,),
        ``bias_hh`` (H,) (both or neither): the layout of ``torch.nn.RNN``.
    nonlinearity : {'tanh', 'relu'}

    Returns
    -------
    y : ndarray (T, B, H)
        h_1..h_T.
    h_T : ndarray (B, H)
        Final state (equal to ``y[-1]``; a separate array).
    cache : dict
        What :func:`rnn_backward` needs.  It holds its own copy of ``x`` and
        of the states, and refers to ``params`` (do not modify them in place
        before the backward pass).
    """
    validate.check_nonlinearity(nonlinearity)
    x = validate.check_x(x)
    T, B, D = x.shape
    H = validate.check_params("rnn", params, D, x.dtype)
    h0 = validate.check_state("h0", h0, B, H, x.dtype)
    W_hh_T = np.ascontiguousarray(params["weight_hh"].T)  # faster in BLAS

    hs = np.empty((T + 1, B, H), dtype=x.dtype)  # hs[t] = h_t, hs[0] = h_0
    hs[0] = h0
    xa = (x.reshape(T * B, D) @ params["weight_ih"].T).reshape(T, B, H)
    b = validate.bias_sum(params)
    if b is not None:
        xa += b
    buf = np.empty((B, H), dtype=x.dtype)
    for t in range(T):
        np.dot(hs[t], W_hh_T, out=buf)
        np.add(xa[t], buf, out=hs[t + 1])  # z_t
        _rnn_step(hs[t + 1], nonlinearity)  # h_t = φ(z_t)
    cache = dict(made_by="fast.rnn_forward", x=x, hs=hs, params=params,
                 nonlinearity=nonlinearity)
    return hs[1:].copy(), hs[T].copy(), cache


def rnn_backward(dy, dh_T, cache):
    """Backpropagation through time for :func:`rnn_forward`.

    ``dy`` (T, B, H) is dL/dy; ``dh_T`` (B, H) or None is a gradient arriving
    at the final state from outside the sequence (truncated BPTT carries the
    state to the next chunk).  The recursion, run for t = T..1, is

        δ_t = (dy_t + W_hh^T δ_{t+1}) ⊙ φ'(z_t),   with W_hh^T δ_{T+1} := dh_T,

    and then, with sums over t (and over the batch),

        dW_ih = Σ_t δ_t x_t^T,  dW_hh = Σ_t δ_t h_{t-1}^T,
        db_ih = db_hh = Σ_t δ_t,  dx_t = W_ih^T δ_t,  dh_0 = W_hh^T δ_1.

    Everything except W_hh^T δ_{t+1} is a single large product after the loop.

    Returns
    -------
    dx : ndarray (T, B, D)
    dh0 : ndarray (B, H)
    grads : dict with the keys of ``params``
    """
    validate.check_cache(cache, "fast.rnn", step=False)
    x, hs, params = cache["x"], cache["hs"], cache["params"]
    T, B, D = x.shape
    H = hs.shape[2]
    dy = validate.check_grad("dy", dy, (T, B, H), x.dtype)
    dh_next = validate.check_grad("dh_T", dh_T, (B, H), x.dtype).copy()
    W_hh = params["weight_hh"]

    # all steps at once
    fprime = _rnn_local_grad(hs[1:], cache["nonlinearity"])
    delta = np.empty((T, B, H), dtype=x.dtype)
    dh = np.empty((B, H), dtype=x.dtype)
    for t in range(T - 1, -1, -1):
        np.add(dy[t], dh_next, out=dh)  # dh_t
        _rnn_step_backward(dh, fprime[t], out=delta[t])  # δ_t
        np.dot(delta[t], W_hh, out=dh_next)  # W_hh^T δ_t -> dh_{t-1}
    d2 = delta.reshape(T * B, H)
    dx = (d2 @ params["weight_ih"]).reshape(T, B, D)
    grads = _param_grads(
        d2, x.reshape(T * B, D), hs[:T].reshape(T * B, H), params
    )
    return dx, dh_next, grads
