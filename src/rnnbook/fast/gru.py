"""Fast GRU kernels: :mod:`rnnbook.numpy.gru`, same functions, same results.

The equations and the parameter layout (gate order r, z, n) are those of
:mod:`rnnbook.numpy.gru`. What differs is how they are evaluated: the input
projections and the weight gradients are single matrix products outside the
time loop, σ(a) is computed in place as ½ tanh(½ a) + ½, and the step works
in place in preallocated buffers (``out=``). Tested equal to the literal
module and to ``torch.nn.GRU``.
"""

from __future__ import annotations

import numpy as np

from ..numpy import _validate as validate


# ------------------------------------------------------------------- step math
def _sigmoid_(a: np.ndarray) -> np.ndarray:
    """σ(a) in place, as ½ tanh(½ a) + ½.

    Stable for any a, and one transcendental function call.
    """
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


def _gru_step(a, hn, h_prev, h):
    """One GRU step from pre-computed products, in place.

    On entry ``a`` (B, 3H) holds the full pre-activations of r and z in its
    first 2H columns and W_in x_t + b_in in the last H; ``hn`` (B, H) holds
    W_hn h_{t-1} + b_hn.  On return ``a`` holds [r_t, z_t, n_t] and ``h``
    (preallocated, (B, H)) holds h_t.
    """
    H = h.shape[-1]
    _sigmoid_(a[:, : 2 * H])
    r, z, n = a[:, :H], a[:, H : 2 * H], a[:, 2 * H :]
    np.multiply(r, hn, out=h)  # (h used as scratch)
    n += h
    np.tanh(n, out=n)  # n_t
    np.subtract(h_prev, n, out=h)
    h *= z
    h += n  # h_t = n + z ⊙ (h_{t-1} − n)


def _gru_step_backward(dh, gates, h_prev, hn, dah, dan, dh_direct, work):
    """Backward through one GRU step, in place.

    Parameters
    ----------
    dh : (B, H)
        Total gradient of h_t.
    gates, h_prev, hn : (B, 3H), (B, H), (B, H)
        [r, z, n], h_{t-1} and W_hn h_{t-1} + b_hn saved by the forward pass.
    dah : (B, 3H), contiguous
        Receives the gradients of the hidden-side products
        [W_hr h + b_hr, W_hz h + b_hz, W_hn h + b_hn] = [da_r, da_z, r ⊙ da_n].
    dan : (B, H)
        Receives da_n, the gradient of the n pre-activation; the input side
        sees [da_r, da_z, da_n].
    dh_direct : (B, H)
        Receives z ⊙ dh, the part of dh_{t-1} that bypasses the weights;
        the caller adds W_hh^T dah.
    work : a (B, 3H) and a (B, H) scratch array.

    The equations (σ' = σ(1 − σ), tanh' = 1 − tanh²)::

        da_n = dh ⊙ (1 − z) ⊙ (1 − n²)
        da_z = dh ⊙ (h_{t-1} − n) ⊙ z(1 − z)
        da_r = da_n ⊙ (W_hn h_{t-1} + b_hn) ⊙ r(1 − r)
    """
    H = dh.shape[-1]
    r, z, n = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H :]
    deriv, tmp = work
    np.subtract(1, gates, out=deriv)
    deriv *= gates  # σ' for r and z ...
    d_n = deriv[:, 2 * H :]
    np.multiply(n, n, out=d_n)
    np.subtract(1, d_n, out=d_n)  # ... tanh' for n
    np.multiply(dh, z, out=dh_direct)  # z ⊙ dh
    np.subtract(dh, dh_direct, out=dan)  # (1 − z) ⊙ dh: gradient of n_t
    dan *= d_n  # da_n
    np.subtract(h_prev, n, out=tmp)
    tmp *= dh  # gradient of z_t
    np.multiply(tmp, deriv[:, H : 2 * H], out=dah[:, H : 2 * H])  # da_z
    np.multiply(dan, hn, out=tmp)  # gradient of r_t
    np.multiply(tmp, deriv[:, :H], out=dah[:, :H])  # da_r
    np.multiply(dan, r, out=dah[:, 2 * H :])  # gradient of W_hn h + b_hn


def _workspace(B, H, dtype):
    return (np.empty((B, 3 * H), dtype), np.empty((B, H), dtype))


def _input_grads(dah, dan, x, params):
    """dx and the input-side gradients from stacked 2-D dah and dan.

    ``dah`` is (N, 3H) and ``dan`` (N, H).

    The input side receives da_x = [da_r, da_z, da_n]: the r and z columns of
    ``dah`` and ``dan``.  Rather than assembling da_x, each product is split
    in two (the r, z part and the n part), which saves a (N, 3H) copy.
    """
    H = dan.shape[1]
    w_ih = params["weight_ih"]
    drz = dah[:, : 2 * H]
    dx = drz @ w_ih[: 2 * H] + dan @ w_ih[2 * H :]
    grads = {"weight_ih": np.concatenate([drz.T @ x, dan.T @ x])}
    if "bias_ih" in params:
        grads["bias_ih"] = np.concatenate([drz.sum(axis=0), dan.sum(axis=0)])
    return dx, grads


def _hidden_grads(dah, h_prev, params):
    """Hidden-side gradients from stacked 2-D dah (N, 3H), h_{t-1} (N, H)."""
    grads = {"weight_hh": dah.T @ h_prev}
    if "bias_hh" in params:
        grads["bias_hh"] = dah.sum(axis=0)
    return grads


def _input_side(x2, params, H):
    """W_ih x + b_ih, with b_hr and b_hz folded in (they only add to r, z)."""
    a = x2 @ params["weight_ih"].T
    if "bias_ih" in params:
        a += params["bias_ih"]
    if "bias_hh" in params:
        a[..., : 2 * H] += params["bias_hh"][: 2 * H]
    return a


# -------------------------------------------------------------------- one step
def gru_cell_forward(x_t, h_prev, params):
    """One GRU step (equations in the module docstring).

    Parameters
    ----------
    x_t : ndarray (B, D)
    h_prev : ndarray (B, H) or None (zeros)
    params : dict
        ``weight_ih`` (3H, D), ``weight_hh`` (3H, H), ``bias_ih`` (3H,),
        ``bias_hh`` (3H,), gate order (r, z, n); both biases or neither.

    Returns
    -------
    h_t : ndarray (B, H)
    cache : dict for :func:`gru_cell_backward`.  It holds its own copies of
        ``x_t`` and ``h_prev`` and refers to ``params`` (update it after the
        backward pass).
    """
    x_t = validate.check_x(x_t, ndim=2, name="x_t")
    B, D = x_t.shape
    H = validate.check_params("gru", params, D, x_t.dtype)
    h_prev = validate.check_state("h_prev", h_prev, B, H, x_t.dtype)
    a = _input_side(x_t, params, H)
    hh = h_prev @ params["weight_hh"].T
    a[:, : 2 * H] += hh[:, : 2 * H]
    hn = hh[:, 2 * H :]
    if "bias_hh" in params:
        hn += params["bias_hh"][2 * H :]
    h = np.empty((B, H), dtype=x_t.dtype)
    _gru_step(a, hn, h_prev, h)
    cache = dict(made_by="fast.gru_cell_forward", x=x_t, h_prev=h_prev,
                 gates=a, hn=hn, params=params)
    return h, cache


def gru_cell_backward(dh_t, cache):
    """Backward of :func:`gru_cell_forward`.

    With da_n = dh_t ⊙ (1 − z) ⊙ (1 − n²), da_z = dh_t ⊙ (h_{t-1} − n) ⊙
    z(1 − z), da_r = da_n ⊙ (W_hn h_{t-1} + b_hn) ⊙ r(1 − r), the input side
    receives da_x = [da_r, da_z, da_n] and the hidden side
    da_h = [da_r, da_z, r ⊙ da_n]:

        dx_t = W_ih^T da_x,  dh_{t-1} = z ⊙ dh_t + W_hh^T da_h,
        dW_ih = da_x x_t^T,  dW_hh = da_h h_{t-1}^T,
        db_ih = da_x,        db_hh = da_h.

    Returns
    -------
    dx_t : ndarray (B, D)
    dh_prev : ndarray (B, H)
    grads : dict with the keys of ``params``
    """
    validate.check_cache(cache, "fast.gru", step=True)
    gates, hn, h_prev, params = (cache["gates"], cache["hn"],
                                 cache["h_prev"], cache["params"])
    B, H = h_prev.shape
    dh_t = validate.check_grad("dh_t", dh_t, (B, H), h_prev.dtype)
    dah = np.empty((B, 3 * H), dtype=h_prev.dtype)
    dan = np.empty((B, H), dtype=h_prev.dtype)
    dh_prev = np.empty((B, H), dtype=h_prev.dtype)
    _gru_step_backward(dh_t, gates, h_prev, hn, dah, dan, dh_prev,
                       _workspace(B, H, h_prev.dtype))
    dh_prev += dah @ params["weight_hh"]
    dx, grads = _input_grads(dah, dan, cache["x"], params)
    grads.update(_hidden_grads(dah, h_prev, params))
    return dx, dh_prev, {k: grads[k] for k in params}


# -------------------------------------------------------------- whole sequence
def gru_forward(x, h0, params):
    """Run the GRU over a sequence.

    Parameters
    ----------
    x : ndarray (T, B, D)
        Time-major input.
    h0 : ndarray (B, H) or None
        Initial state; None means zeros.
    params : dict
        ``weight_ih`` (3H, D), ``weight_hh`` (3H, H), ``bias_ih`` (3H,),
        ``bias_hh`` (3H,): the ``torch.nn.GRU`` layout, gate order (r, z, n).

    Returns
    -------
    y : ndarray (T, B, H)
        h_1..h_T.
    h_T : ndarray (B, H)
    cache : dict for :func:`gru_backward`.  It holds its own copy of ``x``
        and of the states, and refers to ``params`` (do not modify it in
        place before the backward pass).
    """
    x = validate.check_x(x)
    T, B, D = x.shape
    H = validate.check_params("gru", params, D, x.dtype)
    h0 = validate.check_state("h0", h0, B, H, x.dtype)
    W_hh_T = np.ascontiguousarray(params["weight_hh"].T)  # faster in BLAS
    b_hn = params["bias_hh"][2 * H :] if "bias_hh" in params else None

    hs = np.empty((T + 1, B, H), dtype=x.dtype)  # h_0..h_T
    hs[0] = h0
    hns = np.empty((T, B, H), dtype=x.dtype)  # W_hn h_{t-1} + b_hn
    gates = _input_side(x.reshape(T * B, D), params, H).reshape(T, B, 3 * H)
    buf = np.empty((B, 3 * H), dtype=x.dtype)
    for t in range(T):
        np.dot(hs[t], W_hh_T, out=buf)
        gates[t, :, : 2 * H] += buf[:, : 2 * H]
        if b_hn is None:
            hns[t] = buf[:, 2 * H :]
        else:
            np.add(buf[:, 2 * H :], b_hn, out=hns[t])
        _gru_step(gates[t], hns[t], hs[t], hs[t + 1])
    cache = dict(made_by="fast.gru_forward", x=x, hs=hs, hns=hns, gates=gates,
                 params=params)
    return hs[1:].copy(), hs[T].copy(), cache


def gru_backward(dy, dh_T, cache):
    """Backpropagation through time for :func:`gru_forward`.

    ``dy`` (T, B, H) is dL/dy; ``dh_T`` (B, H) or None is the gradient
    arriving at h_T from outside (truncated BPTT).  For t = T..1, starting
    from g_{T+1} := dh_T:

        dh     = dy_t + g_{t+1}                         (total gradient of h_t)
        da_n   = dh ⊙ (1 − z_t) ⊙ (1 − n_t²)
        da_z   = dh ⊙ (h_{t-1} − n_t) ⊙ z_t(1 − z_t)
        da_r   = da_n ⊙ (W_hn h_{t-1} + b_hn) ⊙ r_t(1 − r_t)
        da_h,t = [da_r, da_z, r_t ⊙ da_n],   da_x,t = [da_r, da_z, da_n]
        g_t    = z_t ⊙ dh + W_hh^T da_h,t               (gradient into h_{t-1})

    and after the loop dW_ih = Σ_t da_x,t x_t^T, dW_hh = Σ_t da_h,t h_{t-1}^T,
    db_ih = Σ_t da_x,t, db_hh = Σ_t da_h,t, dx_t = W_ih^T da_x,t, dh_0 = g_1.

    Returns
    -------
    dx : ndarray (T, B, D)
    dh0 : ndarray (B, H)
    grads : dict with the keys of ``params``
    """
    validate.check_cache(cache, "fast.gru", step=False)
    x, hs, hns, gates = cache["x"], cache["hs"], cache["hns"], cache["gates"]
    params = cache["params"]
    T, B, D = x.shape
    H = hs.shape[2]
    dy = validate.check_grad("dy", dy, (T, B, H), x.dtype)
    g_next = validate.check_grad("dh_T", dh_T, (B, H), x.dtype).copy()
    W_hh = params["weight_hh"]

    dah = np.empty((T, B, 3 * H), dtype=x.dtype)
    dan = np.empty((T, B, H), dtype=x.dtype)
    dh = np.empty((B, H), dtype=x.dtype)
    direct = np.empty((B, H), dtype=x.dtype)
    work = _workspace(B, H, x.dtype)
    for t in range(T - 1, -1, -1):
        np.add(dy[t], g_next, out=dh)
        _gru_step_backward(
            dh, gates[t], hs[t], hns[t], dah[t], dan[t], direct, work
        )
        np.dot(dah[t], W_hh, out=g_next)
        g_next += direct
    dah2 = dah.reshape(T * B, 3 * H)
    dx, grads = _input_grads(
        dah2, dan.reshape(T * B, H), x.reshape(T * B, D), params
    )
    grads.update(_hidden_grads(dah2, hs[:T].reshape(T * B, H), params))
    return dx.reshape(T, B, D), g_next, {k: grads[k] for k in params}
