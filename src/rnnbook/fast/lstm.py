"""Fast LSTM kernels: :mod:`rnnbook.numpy.lstm`, same functions, same results.

The equations and the parameter layout (gate order i, f, g, o) are those of
:mod:`rnnbook.numpy.lstm`. What differs is how they are evaluated:

- the input projections and the weight gradients are single matrix products
  outside the time loop;
- σ(a) = ½ + ½ tanh(½ a), with the inner ½ folded into the rows of the
  sigmoid gates of the weights and biases (:func:`_scaled_weights`; scaling by
  a power of two is exact); then one ``np.tanh`` over the whole (B, 4H) block
  followed by a multiply-add with per-column constants (:func:`_gate_affine`)
  evaluates all four gates;
- internally the gate blocks are reordered to (i, f, o, g), so that the three
  sigmoid gates are adjacent, and the bias is an extra column of ones on the
  input (:func:`_with_ones`);
- the step works in place in preallocated buffers (``out=``).

Gradients are returned in PyTorch's (i, f, g, o) order. Tested equal to the
literal module and to ``torch.nn.LSTM``.
"""

from __future__ import annotations

import numpy as np

from ..numpy import _validate as validate


# ------------------------------------------------------------- internal layout
def _reorder(w: np.ndarray) -> np.ndarray:
    """Swap the g and o blocks along axis 0: (i, f, g, o) <-> (i, f, o, g).

    The swap is its own inverse, so it also maps gradients back.
    """
    H = w.shape[0] // 4
    return np.concatenate([w[: 2 * H], w[3 * H :], w[2 * H : 3 * H]])


def _scaled_weights(params, H):
    """Weights for the forward pass: (i, f, o, g) order, sigmoid rows × ½.

    Returns ``w_in`` (D+1, 4H), which is [W_ih^T; (b_ih + b_hh)^T] (a zero
    row without biases), and ``w_hh_t`` (H, 4H) = W_hh^T, both contiguous.
    With them, [x, 1] w_in + h w_hh_t is the block [½a_i, ½a_f, ½a_o, a_g]
    that :func:`_lstm_step` expects: the bias rides along in the input
    product (see :func:`_with_ones`), which is cheaper than adding it to the
    (T, B, 4H) array afterwards.
    """
    w_ih = _reorder(params["weight_ih"])
    w_hh = _reorder(params["weight_hh"])
    w_in = np.zeros((w_ih.shape[1] + 1, 4 * H), dtype=w_ih.dtype)
    w_in[:-1] = w_ih.T
    b = validate.bias_sum(params)
    if b is not None:
        w_in[-1] = _reorder(b)
    w_in[:, : 3 * H] *= 0.5
    w_hh_t = np.ascontiguousarray(w_hh.T)
    w_hh_t[:, : 3 * H] *= 0.5
    return w_in, w_hh_t


def _with_ones(x2):
    """[x, 1]: the (N, D) inputs with a column of ones appended (the bias)."""
    out = np.empty((x2.shape[0], x2.shape[1] + 1), dtype=x2.dtype)
    out[:, :-1] = x2
    out[:, -1] = 1
    return out


def _split(gates: np.ndarray, H: int):
    """Views (i, f, o, g) of a block of gates in the internal order."""
    return (
        gates[..., :H],
        gates[..., H : 2 * H],
        gates[..., 2 * H : 3 * H],
        gates[..., 3 * H :],
    )


# ------------------------------------------------------------------- step math
def _gate_affine(B, H, dtype):
    """(scale, shift), both (B, 4H): [i, f, o, g] = scale ⊙ tanh(ã) + shift.

    scale = shift = ½ on the sigmoid columns (i, f, o), since
    σ(a) = ½ tanh(½ a) + ½, and scale = 1, shift = 0 on the tanh column g.
    They are full (B, 4H) arrays rather than (4H,) vectors because NumPy's
    element-wise loops are fastest when all operands are contiguous and of
    the same shape.
    """
    scale = np.full((B, 4 * H), 0.5, dtype=dtype)
    shift = np.full((B, 4 * H), 0.5, dtype=dtype)
    scale[:, 3 * H :] = 1.0
    shift[:, 3 * H :] = 0.0
    return scale, shift


def _lstm_step(a, c_prev, c, h, tmp, affine):
    """One LSTM step, in place.

    ``a`` (B, 4H) enters holding ã = [½a_i, ½a_f, ½a_o, a_g] (see
    :func:`_scaled_weights`) and leaves holding the gates [i, f, o, g]; the
    preallocated (B, H) arrays ``c`` and ``h`` receive c_t and h_t; ``tmp``
    is (B, H) scratch; ``affine`` is the pair from :func:`_gate_affine`.
    """
    H = c.shape[-1]
    scale, shift = affine
    np.tanh(a, out=a)
    a *= scale
    a += shift  # σ(a) = ½ + ½ tanh(½ a); g = tanh(a_g)
    i, f, o, g = _split(a, H)
    np.multiply(i, g, out=tmp)
    np.multiply(f, c_prev, out=c)
    c += tmp  # c_t = f ⊙ c_{t-1} + i ⊙ g
    np.tanh(c, out=tmp)
    np.multiply(o, tmp, out=h)  # h_t = o ⊙ tanh(c_t)


def _lstm_step_backward(dh, dc, gates, c_prev, c, da, work):
    """Backward through one LSTM step, in place.

    Parameters
    ----------
    dh : (B, H)
        Total gradient of h_t (from y_t and from step t+1).
    dc : (B, H)
        Enters as the gradient of c_t from step t+1 and leaves as the
        gradient of c_{t-1}.
    gates, c_prev, c : (B, 4H), (B, H), (B, H)
        [i, f, o, g], c_{t-1} and c_t saved by the forward pass.
    da : (B, 4H), contiguous
        Receives the gradients of the (unscaled) pre-activations, in the
        internal order (i, f, o, g).
    work : tuple of two (B, H) and one (B, 4H) scratch arrays.

    The equations (σ' = σ(1 − σ), tanh' = 1 − tanh²)::

        dc_t ← dc_t + dh ⊙ o ⊙ (1 − tanh² c_t)
        da   = [dc_t ⊙ g, dc_t ⊙ c_{t-1}, dh ⊙ tanh c_t, dc_t ⊙ i]
               ⊙ [i(1 − i), f(1 − f), o(1 − o), 1 − g²]
        dc_{t-1} = dc_t ⊙ f
    """
    H = dh.shape[-1]
    i, f, o, g = _split(gates, H)
    tanh_c, tmp, deriv = work
    np.tanh(c, out=tanh_c)
    np.multiply(tanh_c, tanh_c, out=tmp)
    np.subtract(1, tmp, out=tmp)
    tmp *= o
    tmp *= dh
    dc += tmp  # total gradient of c_t
    np.multiply(dc, g, out=da[:, :H])  # what each gate's output receives
    np.multiply(dc, c_prev, out=da[:, H : 2 * H])
    np.multiply(dh, tanh_c, out=da[:, 2 * H : 3 * H])
    np.multiply(dc, i, out=da[:, 3 * H :])
    np.subtract(1, gates, out=deriv)  # σ' = σ(1 − σ) for i, f, o ...
    deriv *= gates
    d_g = deriv[:, 3 * H :]
    np.multiply(g, g, out=d_g)  # ... and tanh' = 1 − g² for g
    np.subtract(1, d_g, out=d_g)
    da *= deriv  # through the gate nonlinearities
    dc *= f  # gradient of c_{t-1}


def _workspace(B, H, dtype):
    return (
        np.empty((B, H), dtype),
        np.empty((B, H), dtype),
        np.empty((B, 4 * H), dtype),
    )


def _param_grads(da, x, h_prev, params) -> dict:
    """PyTorch-ordered gradients from stacked 2-D da (N, 4H, internal order),
    x (N, D) and h_{t-1} (N, H)."""
    grads = {
        "weight_ih": _reorder(da.T @ x),
        "weight_hh": _reorder(da.T @ h_prev),
    }
    if "bias_ih" in params:  # both biases or neither
        db = _reorder(da.sum(axis=0))
        grads["bias_ih"], grads["bias_hh"] = db, db.copy()
    return grads


# -------------------------------------------------------------------- one step
def lstm_cell_forward(x_t, state_prev, params):
    """One LSTM step (equations in the module docstring).

    Parameters
    ----------
    x_t : ndarray (B, D)
    state_prev : tuple (h_prev, c_prev) of (B, H) arrays, or None (zeros);
        either element may be None.
    params : dict
        ``weight_ih`` (4H, D), ``weight_hh`` (4H, H), ``bias_ih`` (4H,),
        ``bias_hh`` (4H,), gate order (i, f, g, o); both biases or neither.

    Returns
    -------
    (h_t, c_t) : tuple of (B, H) arrays
    cache : dict for :func:`lstm_cell_backward`; ``cache["gates"]`` holds
        the gate activations in the internal order (i, f, o, g).  It holds
        its own copies of ``x_t``, the states and c_t, and refers to
        ``params`` (update it after the backward pass).
    """
    x_t = validate.check_x(x_t, ndim=2, name="x_t")
    B, D = x_t.shape
    H = validate.check_params("lstm", params, D, x_t.dtype)
    h_prev, c_prev = validate.check_pair(
        "state_prev", state_prev, B, H, x_t.dtype
    )
    w_in, w_hh_t = _scaled_weights(params, H)
    a = _with_ones(x_t) @ w_in + h_prev @ w_hh_t
    c, h = np.empty((B, H), dtype=x_t.dtype), np.empty((B, H), dtype=x_t.dtype)
    _lstm_step(
        a, c_prev, c, h, np.empty_like(c), _gate_affine(B, H, x_t.dtype)
    )
    cache = dict(made_by="fast.lstm_cell_forward", x=x_t, h_prev=h_prev,
                 c_prev=c_prev, c=c.copy(), gates=a, params=params)
    return (h, c), cache


def lstm_cell_backward(dstate, cache):
    """Backward of :func:`lstm_cell_forward`.

    Given dh_t and dc_t (``dstate``; either may be None), the total cell
    gradient is dc_t + dh_t ⊙ o_t ⊙ (1 − tanh² c_t); from it the gate
    pre-activation gradients da = [da_i, da_f, da_g, da_o] (B, 4H) follow
    (see :func:`_lstm_step_backward`), and then

        dx_t = W_ih^T da,  dh_{t-1} = W_hh^T da,  dc_{t-1} = dc_t ⊙ f_t,
        dW_ih = da x_t^T,  dW_hh = da h_{t-1}^T,  db_ih = db_hh = da.

    Returns
    -------
    dx_t : ndarray (B, D)
    (dh_prev, dc_prev) : tuple of (B, H) arrays
    grads : dict with the keys of ``params``
    """
    validate.check_cache(cache, "fast.lstm", step=True)
    gates, c, params = cache["gates"], cache["c"], cache["params"]
    B, H = c.shape
    dh, dc = validate.check_grad_pair("dstate", dstate, B, H, c.dtype)
    da = np.empty((B, 4 * H), dtype=gates.dtype)
    _lstm_step_backward(
        dh, dc, gates, cache["c_prev"], c, da, _workspace(B, H, c.dtype)
    )
    dx = da @ _reorder(params["weight_ih"])
    dh_prev = da @ _reorder(params["weight_hh"])
    grads = _param_grads(da, cache["x"], cache["h_prev"], params)
    return dx, (dh_prev, dc), grads


# -------------------------------------------------------------- whole sequence
def lstm_forward(x, state0, params):
    """Run the LSTM over a sequence.

    Parameters
    ----------
    x : ndarray (T, B, D)
        Time-major input.
    state0 : tuple (h_0, c_0) of (B, H) arrays, or None
        Initial state; None (or a None element) means zeros.
    params : dict
        ``weight_ih`` (4H, D), ``weight_hh`` (4H, H), ``bias_ih`` (4H,),
        ``bias_hh`` (4H,): the ``torch.nn.LSTM`` layout, gate order
        (i, f, g, o).

    Returns
    -------
    y : ndarray (T, B, H)
        h_1..h_T.
    (h_T, c_T) : tuple of (B, H) arrays
    cache : dict for :func:`lstm_backward`.  It holds its own copy of ``x``
        and refers to ``params`` (do not modify it in place before the
        backward pass),
        ``hs`` (T+1, B, H) = h_0..h_T, ``cs`` (T+1, B, H) = c_0..c_T and
        ``gates`` (T, B, 4H), the gate activations in the internal order
        (i, f, o, g).
    """
    x = validate.check_x(x)
    T, B, D = x.shape
    H = validate.check_params("lstm", params, D, x.dtype)
    h0, c0 = validate.check_pair("state0", state0, B, H, x.dtype)
    w_in, w_hh_t = _scaled_weights(params, H)

    hs = np.empty((T + 1, B, H), dtype=x.dtype)  # h_0..h_T
    cs = np.empty((T + 1, B, H), dtype=x.dtype)  # c_0..c_T
    hs[0], cs[0] = h0, c0
    # pre-activations of every step: input part and bias now,
    # W_hh h_{t-1} in the loop
    gates = (_with_ones(x.reshape(T * B, D)) @ w_in).reshape(T, B, 4 * H)
    buf = np.empty((B, 4 * H), dtype=x.dtype)
    tmp = np.empty((B, H), dtype=x.dtype)
    affine = _gate_affine(B, H, x.dtype)
    for t in range(T):
        np.dot(hs[t], w_hh_t, out=buf)
        gates[t] += buf
        _lstm_step(gates[t], cs[t], cs[t + 1], hs[t + 1], tmp, affine)
    cache = dict(made_by="fast.lstm_forward", x=x, hs=hs, cs=cs, gates=gates,
                 params=params)
    return hs[1:].copy(), (hs[T].copy(), cs[T].copy()), cache


def lstm_backward(dy, dstate_T, cache):
    """Backpropagation through time for :func:`lstm_forward`.

    ``dy`` (T, B, H) is dL/dy; ``dstate_T`` = (dh_T, dc_T) is the gradient
    arriving at the final state from outside (truncated BPTT); it, or either
    element, may be None.  For t = T..1, with W_hh^T da_{T+1} := dh_T and
    dc^{next} := dc_T:

        dh   = dy_t + W_hh^T da_{t+1}             (total gradient of h_t)
        dc   = dc^{next} + dh ⊙ o_t ⊙ (1 − tanh² c_t)
        da_t = [dc ⊙ g_t ⊙ i_t(1−i_t), dc ⊙ c_{t-1} ⊙ f_t(1−f_t),
                dc ⊙ i_t ⊙ (1−g_t²),   dh ⊙ tanh(c_t) ⊙ o_t(1−o_t)]
        dc^{next} ← dc ⊙ f_t

    and after the loop dW_ih = Σ_t da_t x_t^T, dW_hh = Σ_t da_t h_{t-1}^T,
    db_ih = db_hh = Σ_t da_t, dx_t = W_ih^T da_t, dh_0 = W_hh^T da_1,
    dc_0 = dc^{next}.  Only W_hh^T da_{t+1} is a matrix product inside the
    loop; the others are single large products over all T·B rows.

    Returns
    -------
    dx : ndarray (T, B, D)
    (dh0, dc0) : tuple of (B, H) arrays
    grads : dict with the keys of ``params``
    """
    validate.check_cache(cache, "fast.lstm", step=False)
    x, hs, cs, gates = cache["x"], cache["hs"], cache["cs"], cache["gates"]
    params = cache["params"]
    T, B, D = x.shape
    H = hs.shape[2]
    dy = validate.check_grad("dy", dy, (T, B, H), x.dtype)
    dh_next, dc = validate.check_grad_pair(
        "dstate_T", dstate_T, B, H, x.dtype, t="T"
    )
    w_hh = _reorder(params["weight_hh"])

    da = np.empty((T, B, 4 * H), dtype=x.dtype)
    dh = np.empty((B, H), dtype=x.dtype)
    work = _workspace(B, H, x.dtype)
    for t in range(T - 1, -1, -1):
        np.add(dy[t], dh_next, out=dh)
        _lstm_step_backward(dh, dc, gates[t], cs[t], cs[t + 1], da[t], work)
        np.dot(da[t], w_hh, out=dh_next)
    d2 = da.reshape(T * B, 4 * H)
    dx = (d2 @ _reorder(params["weight_ih"])).reshape(T, B, D)
    grads = _param_grads(
        d2, x.reshape(T * B, D), hs[:T].reshape(T * B, H), params
    )
    return dx, (dh_next, dc), grads
