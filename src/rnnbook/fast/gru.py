"""Fast GRU kernels: :mod:`rnnbook.numpy.gru`, same functions, same results.

The equations and the parameter layout (gate order r, z, n) are those of
:mod:`rnnbook.numpy.gru`. What differs is how they are evaluated:

- **Feature-major layout.** Inside the kernels a step's arrays are (F, B),
  features by batch, rather than (B, F): the hidden product is
  W_hh [h_{t-1}; 1], a (3H, H+1) × (H+1, B) product whose result holds each
  gate as a contiguous (H, B) block of rows. Column slices of a (B, 3H)
  array are strided, and NumPy's element-wise loops are up to twice as slow
  on them; every element-wise operation here reads and writes contiguous
  blocks.
- **Biases ride along.** The input is stacked as [x_t; 1] and the state as
  [h_{t-1}; 1], so the products add the biases: b_ih + b_hh for r and z go
  with the input, b_hn (which r_t multiplies) with the state.
- **One product for the inputs.** W_ih [x_t; 1] for all T steps is one
  batched product before the loop; the weight gradients and dx are single
  products over all T·B columns after it.
- **σ(a) = ½ tanh(½ a) + ½**, with the inner ½ folded into the r and z rows
  of the weights (scaling by a power of two is exact).
- **In place**, in preallocated buffers (``out=``), with the fewest
  element-wise calls: for instance z ⊙ (h_{t-1} − n) is h_t − n, which the
  forward pass already holds.

The backward pass keeps δ for all steps in one (4H, T, B) array whose rows
are [δn; δr; δz; r ⊙ δn]: rows 0..3H are what the input side receives (in
the order n, r, z), rows H..4H what the hidden side receives (r, z, n), so
both weight gradients are single products without a copy.

Results equal the literal module to rounding (float64: about 1e-15); tested
with it and with ``torch.nn.GRU``. The one-step functions run the sequence
kernels on a sequence of one step.
"""

from __future__ import annotations

import numpy as np

from ..numpy import _validate as validate


def _stacked_weights(params, H, dtype):
    """w_in (3H, D+1) = [W_ih, b] and w_h (3H, H+1) = [W_hh, b'].

    b is b_ih plus b_hh for the r and z rows; b' is b_hn in the n rows and
    zero elsewhere. The r and z rows of both are halved (σ through tanh).
    """
    w_ih, w_hh = params["weight_ih"], params["weight_hh"]
    D = w_ih.shape[1]
    w_in = np.zeros((3 * H, D + 1), dtype)
    w_in[:, :D] = w_ih
    w_h = np.zeros((3 * H, H + 1), dtype)
    w_h[:, :H] = w_hh
    if "bias_ih" in params:  # both biases or neither
        w_in[:, D] = params["bias_ih"]
        w_in[: 2 * H, D] += params["bias_hh"][: 2 * H]
        w_h[2 * H :, H] = params["bias_hh"][2 * H :]
    w_in[: 2 * H] *= 0.5
    w_h[: 2 * H] *= 0.5
    # column-major: OpenBLAS multiplies a (3H, H+1) × (H+1, B) product a few
    # per cent faster with the left factor stored by columns (measured)
    return w_in, np.asfortranarray(w_h)


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
    cache : dict for :func:`gru_backward`. It holds ``xs`` (T, D+1, B) =
        [x_t; 1], ``hs`` (T+1, H+1, B) = [h_t; 1] for t = 0..T, ``hh``
        (T, 3H, B) = the hidden products (its n rows W_hn h_{t-1} + b_hn)
        and ``gates`` (T, 3H, B) = [r_t; z_t; n_t], and refers to
        ``params`` (do not modify it in place before the backward pass).
    """
    x = validate.check_x(x)
    T, B, D = x.shape
    H = validate.check_params("gru", params, D, x.dtype)
    h0 = validate.check_state("h0", h0, B, H, x.dtype)
    w_in, w_h = _stacked_weights(params, H, x.dtype)

    xs = np.empty((T, D + 1, B), dtype=x.dtype)  # [x_t; 1]
    xs[:, :D] = x.transpose(0, 2, 1)
    xs[:, D] = 1
    gates = np.matmul(w_in, xs)  # (T, 3H, B): input parts, all steps
    hs = np.empty((T + 1, H + 1, B), dtype=x.dtype)  # [h_t; 1]
    hs[:, H] = 1
    hs[0, :H] = h0.T
    hh = np.empty((T, 3 * H, B), dtype=x.dtype)  # hidden parts
    for t in range(T):
        np.dot(w_h, hs[t], out=hh[t])
        rz, n = gates[t, : 2 * H], gates[t, 2 * H :]
        rz += hh[t, : 2 * H]
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5  # [r_t; z_t] = σ(a) = ½ tanh(½ a) + ½
        r, z = rz[:H], rz[H:]
        h = hs[t + 1, :H]
        np.multiply(r, hh[t, 2 * H :], out=h)  # (h_t used as scratch)
        n += h
        np.tanh(n, out=n)  # n_t
        np.subtract(hs[t, :H], n, out=h)
        h *= z
        h += n  # h_t = n_t + z_t ⊙ (h_{t-1} − n_t)
    cache = dict(made_by="fast.gru_forward", xs=xs, hs=hs, hh=hh, gates=gates,
                 params=params)
    y = hs[1:, :H].transpose(0, 2, 1).copy()
    return y, y[T - 1].copy(), cache


def gru_backward(dy, dh_T, cache):
    """Backpropagation through time for :func:`gru_forward`.

    ``dy`` (T, B, H) is dL/dy; ``dh_T`` (B, H) or None is the gradient
    arriving at h_T from outside (truncated BPTT). For t = T..1, starting
    from g_{T+1} := dh_T, with hn_t = W_hn h_{t-1} + b_hn:

        dh     = dy_t + g_{t+1}                   (total gradient of h_t)
        u      = (1 − z_t) ⊙ dh
        δn     = u ⊙ (1 − n_t²)
        δz     = u ⊙ (h_t − n_t)        (= dh ⊙ (h_{t-1} − n_t) ⊙ z(1 − z))
        δr     = (1 − r_t) ⊙ δn ⊙ hn_t ⊙ r_t
        g_t    = z_t ⊙ dh + W_hh^T [δr; δz; r_t ⊙ δn]

    and after the loop, with the input side receiving [δr; δz; δn] and the
    hidden side [δr; δz; r ⊙ δn]: dW_ih = Σ_t (input side) x_t^T, dW_hh =
    Σ_t (hidden side) h_{t-1}^T, the biases the sums of the same, dx_t =
    W_ih^T (input side), dh_0 = g_1.

    Returns
    -------
    dx : ndarray (T, B, D)
    dh0 : ndarray (B, H)
    grads : dict with the keys of ``params``
    """
    validate.check_cache(cache, "fast.gru", step=False)
    xs, hs, hh, gates = cache["xs"], cache["hs"], cache["hh"], cache["gates"]
    params = cache["params"]
    T, D, B = xs.shape[0], xs.shape[1] - 1, xs.shape[2]
    H = hs.shape[1] - 1
    dt = xs.dtype
    dy = validate.check_grad("dy", dy, (T, B, H), dt)
    g = np.ascontiguousarray(validate.check_grad("dh_T", dh_T, (B, H), dt).T)
    dys = np.ascontiguousarray(dy.transpose(0, 2, 1))  # (T, H, B)
    w_hh_t = np.asfortranarray(params["weight_hh"].T)  # (H, 3H), by columns

    delta = np.empty((4 * H, T, B), dtype=dt)  # [δn; δr; δz; r ⊙ δn]
    dh, direct, tmp = (np.empty((H, B), dtype=dt) for _ in range(3))
    for t in range(T - 1, -1, -1):
        np.add(dys[t], g, out=dh)
        r, z, n = gates[t, :H], gates[t, H : 2 * H], gates[t, 2 * H :]
        d = delta[:, t]
        dn, dr, dz, rdn = d[:H], d[H : 2 * H], d[2 * H : 3 * H], d[3 * H :]
        np.multiply(dh, z, out=direct)  # z ⊙ dh: straight to h_{t-1}
        dh -= direct  # u = (1 − z) ⊙ dh
        np.subtract(hs[t + 1, :H], n, out=dz)
        dz *= dh  # δz
        np.multiply(n, n, out=tmp)
        np.subtract(1, tmp, out=tmp)
        np.multiply(dh, tmp, out=dn)  # δn
        np.multiply(dn, r, out=rdn)  # r ⊙ δn
        np.subtract(dn, rdn, out=tmp)  # (1 − r) ⊙ δn
        tmp *= hh[t, 2 * H :]
        np.multiply(tmp, r, out=dr)  # δr
        np.matmul(w_hh_t, d[H:], out=g)
        g += direct  # g_t, the gradient of h_{t-1}
    w_ih = params["weight_ih"]
    d_in = delta[: 3 * H].reshape(3 * H, T * B)  # rows n, r, z
    w_nrz = np.concatenate([w_ih[2 * H :], w_ih[: 2 * H]])
    dx = (d_in.T @ w_nrz).reshape(T, B, D)
    gi = d_in @ xs.transpose(0, 2, 1).reshape(T * B, D + 1)
    gi = np.concatenate([gi[H:], gi[:H]])  # rows r, z, n again
    gh = delta[H:].reshape(3 * H, T * B) @ (
        hs[:T].transpose(0, 2, 1).reshape(T * B, H + 1)
    )
    grads = {"weight_ih": np.ascontiguousarray(gi[:, :D]),
             "weight_hh": np.ascontiguousarray(gh[:, :H])}
    if "bias_ih" in params:
        grads["bias_ih"], grads["bias_hh"] = gi[:, D].copy(), gh[:, H].copy()
    return dx, g.T.copy(), {k: grads[k] for k in params}


# -------------------------------------------------------------------- one step
def gru_cell_forward(x_t, h_prev, params):
    """One GRU step (equations in :mod:`rnnbook.numpy.gru`).

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
    cache : dict for :func:`gru_cell_backward` (that of :func:`gru_forward`
        for a sequence of one step).
    """
    x_t = validate.check_x(x_t, ndim=2, name="x_t")
    y, h, cache = gru_forward(x_t[None], h_prev, params)
    cache["made_by"] = "fast.gru_cell_forward"
    return h, cache


def gru_cell_backward(dh_t, cache):
    """Backward of :func:`gru_cell_forward`.

    Given dh_t (B, H) (None: zeros), returns dx_t (B, D), dh_{t-1} (B, H)
    and the gradients of the parameters (a dict with the keys of
    ``params``); the equations are those of :func:`gru_backward` for T = 1.
    """
    validate.check_cache(cache, "fast.gru", step=True)
    hs = cache["hs"]
    dh_t = validate.check_grad("dh_t", dh_t, (hs.shape[2], hs.shape[1] - 1),
                               hs.dtype)
    dx, dh_prev, grads = gru_backward(
        None, dh_t, dict(cache, made_by="fast.gru_forward")
    )
    return dx[0], dh_prev, grads
