"""The GRU in NumPy, with a hand-written backward pass through time.

The gated recurrent unit was introduced by Cho et al. (2014), "Learning
phrase representations using RNN encoder-decoder for statistical machine
translation", EMNLP, 1724-1734. The variant is the one of ``torch.nn.GRU``,
so that trained PyTorch weights load directly; in the book's notation
(book/notation.md):

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)              reset gate
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)              update gate
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))   candidate
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}

Backward, given ∂L/∂h_t, with hn_t = W_hn h_{t-1} + b_hn:

    ∂L/∂n_t = ∂L/∂h_t ⊙ (1 − z_t),     ∂L/∂z_t = ∂L/∂h_t ⊙ (h_{t-1} − n_t)
    δ^n_t   = ∂L/∂n_t ⊙ (1 − n_t²)     (the candidate's pre-activation)
    ∂L/∂r_t = δ^n_t ⊙ hn_t
    δ^r_t   = ∂L/∂r_t ⊙ r_t(1 − r_t),   δ^z_t = ∂L/∂z_t ⊙ z_t(1 − z_t)
    the input side W_ih x_t + b_ih receives   [δ^r_t; δ^z_t; δ^n_t]
    the hidden side W_hh h_{t-1} + b_hh receives [δ^r_t; δ^z_t; r_t ⊙ δ^n_t]
    ∂L/∂h_{t-1} = ∂L/∂h_t ⊙ z_t + W_hh^T [δ^r_t; δ^z_t; r_t ⊙ δ^n_t]

Gate blocks are stacked along the first axis of the weights in the order
(r, z, n), as in PyTorch, without the ``_l0`` suffix:

    weight_ih (3H, D) = [W_ir; W_iz; W_in],  bias_ih (3H,)
    weight_hh (3H, H) = [W_hr; W_hz; W_hn],  bias_hh (3H,)

``x`` is time-major (T, B, D); ``y`` (T, B, H) holds h_1..h_T.
:func:`gru_cell_forward` and :func:`gru_cell_backward` are one step, the
equations above line for line; :func:`gru_forward` and :func:`gru_backward`
loop over them. Faster kernels with the same functions are in
:mod:`rnnbook.fast`.

Note
----
Departures from Cho et al. (2014) (1 and 3), and a convention to watch (2):

1. The reset gate is applied *after* the matrix product, r_t ⊙ (W_hn h_{t-1}
   + b_hn); Cho et al. apply it before, W (r_t ⊙ h_{t-1}). The PyTorch form
   lets W_hh h_{t-1} be computed for all three gates in one product.
2. The roles of z_t and 1 − z_t follow Cho et al. (2014, eq. 7) and
   PyTorch: z_t ≈ 1 keeps the old state. Several later texts swap z_t and
   1 − z_t; the two are equivalent up to the sign of the z-gate parameters.
3. Two biases: b_in and b_hn cannot be merged (b_hn is multiplied by r_t),
   while for r and z only the sum b_i* + b_h* matters.
"""

from __future__ import annotations

import numpy as np

from ._validate import (
    check_cache,
    check_grad,
    check_params,
    check_state,
    check_x,
)
from .lstm import sigmoid


def gru_cell_forward(x_t, h_prev, params):
    """One GRU step (the equations of the module docstring).

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
    cache : dict for :func:`gru_cell_backward`: its own copies of ``x_t`` and
        ``h_prev``, the gates ``r``, ``z``, ``n`` and
        ``hn`` = W_hn h_{t-1} + b_hn (each (B, H)), and ``params`` (keep it
        unchanged until the backward pass).
    """
    x_t = check_x(x_t, ndim=2, name="x_t")
    B, D = x_t.shape
    H = check_params("gru", params, D, x_t.dtype)
    h_prev = check_state("h_prev", h_prev, B, H, x_t.dtype)
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]
    b_ih, b_hh = params.get("bias_ih", 0), params.get("bias_hh", 0)

    ax = x_t @ W_ih.T + b_ih  # [W_ir x; W_iz x; W_in x] + biases  (B, 3H)
    ah = h_prev @ W_hh.T + b_hh  # [W_hr h; W_hz h; W_hn h] + biases  (B, 3H)
    r = sigmoid(ax[:, 0:H] + ah[:, 0:H])  # reset gate
    z = sigmoid(ax[:, H : 2 * H] + ah[:, H : 2 * H])  # update gate
    hn = ah[:, 2 * H : 3 * H]  # W_hn h_{t-1} + b_hn
    n = np.tanh(ax[:, 2 * H : 3 * H] + r * hn)  # candidate
    h = (1 - z) * n + z * h_prev  # h_t

    cache = dict(made_by="gru_cell_forward", x_t=x_t, h_prev=h_prev,
                 r=r, z=z, n=n, hn=hn, params=params)
    return h, cache


def gru_cell_backward(dh_t, cache):
    """Backward of :func:`gru_cell_forward`, given ``dh_t`` = ∂L/∂h_t (B, H).

    Returns
    -------
    dx_t : ndarray (B, D)
    dh_prev : ndarray (B, H)
    grads : dict with the keys of ``params``
    """
    check_cache(cache, "gru", step=True)
    r, z, n, hn = cache["r"], cache["z"], cache["n"], cache["hn"]
    x_t, h_prev, params = cache["x_t"], cache["h_prev"], cache["params"]
    dh_t = check_grad("dh_t", dh_t, h_prev.shape, h_prev.dtype)
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]

    dn = dh_t * (1 - z)  # ∂L/∂n_t
    dz = dh_t * (h_prev - n)  # ∂L/∂z_t
    dan = dn * (1 - n**2)  # δ^n_t
    dr = dan * hn  # ∂L/∂r_t
    dar = dr * r * (1 - r)  # δ^r_t
    daz = dz * z * (1 - z)  # δ^z_t
    # ∂L/∂(W_ih x_t + b_ih) and ∂L/∂(W_hh h_{t-1} + b_hh), each (B, 3H)
    dax = np.concatenate([dar, daz, dan], axis=1)
    dah = np.concatenate([dar, daz, r * dan], axis=1)
    dx_t = dax @ W_ih  # W_ih^T dax
    dh_prev = dh_t * z + dah @ W_hh  # direct path + W_hh^T dah
    grads = {"weight_ih": dax.T @ x_t, "weight_hh": dah.T @ h_prev}
    if "bias_ih" in params:
        grads["bias_ih"] = dax.sum(axis=0)
        grads["bias_hh"] = dah.sum(axis=0)
    return dx_t, dh_prev, grads


def gru_forward(x, h0, params):
    """Run the GRU over a sequence, one :func:`gru_cell_forward` per step.

    Parameters
    ----------
    x : ndarray (T, B, D)
    h0 : ndarray (B, H) or None (zeros)
    params : dict
        The ``torch.nn.GRU`` layout, gate order (r, z, n).

    Returns
    -------
    y : ndarray (T, B, H)
        h_1..h_T.
    h_T : ndarray (B, H)
    cache : dict
        The cache of every step, for :func:`gru_backward`.
    """
    x = check_x(x)
    T, B, D = x.shape
    H = check_params("gru", params, D, x.dtype)
    h = check_state("h0", h0, B, H, x.dtype)

    y, steps = [], []
    for t in range(T):
        h, cache_t = gru_cell_forward(x[t], h, params)
        y.append(h)
        steps.append(cache_t)

    cache = dict(made_by="gru_forward", steps=steps, params=params,
                 shape=(T, B, D, H), dtype=x.dtype)
    y = np.stack(y) if T else np.zeros((0, B, H), dtype=x.dtype)
    return y, h.copy(), cache


def gru_backward(dy, dh_T, cache):
    """Backpropagation through time for :func:`gru_forward`.

    ``dy`` (T, B, H) is ∂L/∂y; ``dh_T`` (B, H) or None is a gradient arriving
    at the final state from outside the sequence. For t = T..1 the gradient
    of h_t is dy_t plus what step t+1 sends back; each step's parameter
    gradients are summed.

    Returns
    -------
    dx : ndarray (T, B, D)
    dh0 : ndarray (B, H)
    grads : dict with the keys of ``params``
    """
    check_cache(cache, "gru", step=False)
    T, B, D, H = cache["shape"]
    dtype = cache["dtype"]
    dy = check_grad("dy", dy, (T, B, H), dtype)
    dh = check_grad("dh_T", dh_T, (B, H), dtype)

    grads = {k: np.zeros_like(v) for k, v in cache["params"].items()}
    dx = np.zeros((T, B, D), dtype=dtype)
    for t in reversed(range(T)):
        dx[t], dh, grads_t = gru_cell_backward(dy[t] + dh, cache["steps"][t])
        for k in grads:
            grads[k] += grads_t[k]
    return dx, dh, grads
