"""The simple (Elman) recurrent network in NumPy, with a hand-written BPTT.

One layer of the recurrence of Elman (1990), "Finding structure in time",
*Cognitive Science* 14(2), 179-211, in the book's notation (book/notation.md):

    z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh    pre-activation  (B, H)
    h_t = φ(z_t),    φ = tanh (default) or relu    hidden state    (B, H)

and its backward pass, with δ_t = ∂L/∂z_t:

    δ_t          = ∂L/∂h_t ⊙ φ'(z_t)
    ∂L/∂x_t      = W_ih^T δ_t
    ∂L/∂h_{t-1} += W_hh^T δ_t
    ∂L/∂W_ih    += δ_t x_t^T,   ∂L/∂W_hh += δ_t h_{t-1}^T
    ∂L/∂b_ih    += δ_t,         ∂L/∂b_hh += δ_t

with φ'(z_t) = 1 − h_t² for tanh and [h_t > 0] for relu.

The parameters have the names and layouts of ``torch.nn.RNN`` without the
``_l0`` suffix (:func:`rnnbook.numpy.params_from_torch` loads them):

    weight_ih (H, D),  weight_hh (H, H),  bias_ih (H,),  bias_hh (H,)

In code a batch is a stack of rows, so W_ih x_t is written ``x_t @ W_ih.T``
and W_ih^T δ_t is ``dz @ W_ih``. Sequences are time-major: ``x`` (T, B, D)
and ``y`` (T, B, H), with ``y[t]`` = h_{t+1} in the book's 1-based time.

:func:`rnn_cell_forward` and :func:`rnn_cell_backward` are one step, the
equations above line for line. :func:`rnn_forward` and :func:`rnn_backward`
loop over them. Faster kernels with the same functions are in
:mod:`rnnbook.fast`.

Note
----
Elman's network has one bias; PyTorch has two, b_ih and b_hh, which only ever
appear as their sum, so they receive identical gradients.
"""

from __future__ import annotations

import numpy as np

from ._validate import (
    check_cache,
    check_grad,
    check_nonlinearity,
    check_params,
    check_state,
    check_x,
)


def rnn_cell_forward(x_t, h_prev, params, nonlinearity="tanh"):
    """One step: h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).

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
        What :func:`rnn_cell_backward` needs: its own copies of ``x_t``,
        ``h_prev`` and ``h``, and ``params`` (keep them unchanged until the
        backward pass).
    """
    check_nonlinearity(nonlinearity)
    x_t = check_x(x_t, ndim=2, name="x_t")
    B, D = x_t.shape
    H = check_params("rnn", params, D, x_t.dtype)
    h_prev = check_state("h_prev", h_prev, B, H, x_t.dtype)
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]
    b_ih, b_hh = params.get("bias_ih", 0), params.get("bias_hh", 0)

    z = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh  # z_t (B, H)
    # h_t = φ(z_t)
    h = np.tanh(z) if nonlinearity == "tanh" else np.maximum(z, 0)

    cache = dict(made_by="rnn_cell_forward", x_t=x_t, h_prev=h_prev,
                 h=h.copy(), params=params, nonlinearity=nonlinearity)
    return h, cache


def rnn_cell_backward(dh_t, cache):
    """Backward of :func:`rnn_cell_forward`, given ``dh_t`` = ∂L/∂h_t (B, H).

    δ_t = ∂L/∂h_t ⊙ φ'(z_t); then ∂L/∂x_t = W_ih^T δ_t,
    ∂L/∂h_{t-1} = W_hh^T δ_t, ∂L/∂W_ih = δ_t x_t^T,
    ∂L/∂W_hh = δ_t h_{t-1}^T, ∂L/∂b_ih = ∂L/∂b_hh = δ_t
    (the weight and bias gradients summed over the batch).

    Returns
    -------
    dx_t : ndarray (B, D)
    dh_prev : ndarray (B, H)
    grads : dict with the keys of ``params``
    """
    check_cache(cache, "rnn", step=True)
    x_t, h_prev, h, params = (cache["x_t"], cache["h_prev"], cache["h"],
                              cache["params"])
    dh_t = check_grad("dh_t", dh_t, h.shape, h.dtype)
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]

    dphi = (
        1 - h**2
        if cache["nonlinearity"] == "tanh"
        else (h > 0).astype(h.dtype)
    )
    dz = dh_t * dphi  # δ_t (B, H)
    dx_t = dz @ W_ih  # W_ih^T δ_t
    dh_prev = dz @ W_hh  # W_hh^T δ_t
    grads = {
        "weight_ih": dz.T @ x_t,  # δ_t x_t^T
        "weight_hh": dz.T @ h_prev,  # δ_t h_{t-1}^T
    }
    if "bias_ih" in params:
        grads["bias_ih"] = dz.sum(axis=0)
        grads["bias_hh"] = dz.sum(axis=0)
    return dx_t, dh_prev, grads


def rnn_forward(x, h0, params, nonlinearity="tanh"):
    """Run the RNN over a sequence, t = 1..T.

    h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) at every step.

    Parameters
    ----------
    x : ndarray (T, B, D)
        Time-major input sequence.
    h0 : ndarray (B, H) or None
        Initial state; None means zeros.
    params : dict
        The layout of ``torch.nn.RNN`` (see :func:`rnn_cell_forward`).
    nonlinearity : {'tanh', 'relu'}

    Returns
    -------
    y : ndarray (T, B, H)
        h_1..h_T.
    h_T : ndarray (B, H)
        The final state (equal to ``y[-1]``; a separate array).
    cache : dict
        The cache of every step, for :func:`rnn_backward`.
    """
    check_nonlinearity(nonlinearity)
    x = check_x(x)
    T, B, D = x.shape
    H = check_params("rnn", params, D, x.dtype)
    h = check_state("h0", h0, B, H, x.dtype)

    y, steps = [], []
    for t in range(T):
        h, cache_t = rnn_cell_forward(x[t], h, params, nonlinearity)
        y.append(h)
        steps.append(cache_t)

    cache = dict(made_by="rnn_forward", steps=steps, params=params,
                 shape=(T, B, D, H), dtype=x.dtype)
    y = np.stack(y) if T else np.zeros((0, B, H), dtype=x.dtype)
    return y, h.copy(), cache


def rnn_backward(dy, dh_T, cache):
    """Backpropagation through time for :func:`rnn_forward`.

    ``dy`` (T, B, H) is ∂L/∂y, the gradient reaching each h_t from the loss
    directly; ``dh_T`` (B, H) or None is a gradient arriving at the final state
    from outside the sequence (truncated BPTT carries it to the next chunk).
    For t = T..1 the total gradient of h_t is dy_t plus what step t+1 sends
    back, ∂L/∂h_t = dy_t + W_hh^T δ_{t+1} (with dh_T in place of the second
    term at t = T); each step's parameter gradients are summed over t.

    Returns
    -------
    dx : ndarray (T, B, D)
    dh0 : ndarray (B, H)
    grads : dict with the keys of ``params``
    """
    check_cache(cache, "rnn", step=False)
    T, B, D, H = cache["shape"]
    dtype = cache["dtype"]
    dy = check_grad("dy", dy, (T, B, H), dtype)
    dh = check_grad("dh_T", dh_T, (B, H), dtype)

    grads = {k: np.zeros_like(v) for k, v in cache["params"].items()}
    dx = np.zeros((T, B, D), dtype=dtype)
    for t in reversed(range(T)):
        dx[t], dh, grads_t = rnn_cell_backward(dy[t] + dh, cache["steps"][t])
        for k in grads:
            grads[k] += grads_t[k]
    return dx, dh, grads
