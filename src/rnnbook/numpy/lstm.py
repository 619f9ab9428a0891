"""The LSTM in NumPy, with a hand-written backward pass through time.

Long short-term memory was introduced by Hochreiter & Schmidhuber (1997),
"Long short-term memory", *Neural Computation* 9(8), 1735-1780; the forget
gate f_t was added by Gers, Schmidhuber & Cummins (2000), "Learning to
forget: continual prediction with LSTM", *Neural Computation* 12(10),
2451-2471. The variant is the one of ``torch.nn.LSTM``, in the book's
notation (book/notation.md), with a_t the four stacked pre-activations:

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh    (B, 4H)
        = [a_i; a_f; a_g; a_o]
    i_t = σ(a_i)        input gate
    f_t = σ(a_f)        forget gate
    g_t = tanh(a_g)     candidate
    o_t = σ(a_o)        output gate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)

Backward, given ∂L/∂h_t and the gradient ∂L/∂c_t that reaches c_t from step
t+1:

    ∂L/∂o_t      = ∂L/∂h_t ⊙ tanh(c_t)
    ∂L/∂c_t     += ∂L/∂h_t ⊙ o_t ⊙ (1 − tanh²(c_t))
    ∂L/∂f_t      = ∂L/∂c_t ⊙ c_{t-1}
    ∂L/∂i_t      = ∂L/∂c_t ⊙ g_t
    ∂L/∂g_t      = ∂L/∂c_t ⊙ i_t
    ∂L/∂c_{t-1}  = ∂L/∂c_t ⊙ f_t
    δ_t = ∂L/∂a_t = [∂L/∂i_t ⊙ i_t(1−i_t); ∂L/∂f_t ⊙ f_t(1−f_t);
                     ∂L/∂g_t ⊙ (1−g_t²);   ∂L/∂o_t ⊙ o_t(1−o_t)]
    ∂L/∂x_t = W_ih^T δ_t,   ∂L/∂h_{t-1} = W_hh^T δ_t,
    ∂L/∂W_ih += δ_t x_t^T,  ∂L/∂W_hh += δ_t h_{t-1}^T,
    ∂L/∂b_ih += δ_t,        ∂L/∂b_hh += δ_t

The gate blocks are stacked along the first axis of the weights in the order
(i, f, g, o), as in PyTorch, without the ``_l0`` suffix:

    weight_ih (4H, D) = [W_ii; W_if; W_ig; W_io],  weight_hh (4H, H),
    bias_ih (4H,),  bias_hh (4H,)

The state is the pair (h, c); ``x`` is time-major (T, B, D) and ``y``
(T, B, H) holds h_1..h_T. :func:`lstm_cell_forward` and
:func:`lstm_cell_backward` are one step, the equations above line for line;
:func:`lstm_forward` and :func:`lstm_backward` loop over them. Faster kernels
with the same functions are in :mod:`rnnbook.fast`.

Note
----
Departures from the papers: (1) two biases b_ih and b_hh where the papers
have one (they only appear as a sum, so they get equal gradients); (2) no
peephole connections (Gers et al. also fed c_{t-1} to the gates); (3) the
full gradient is propagated through time (the 1997 paper truncated the
gradient outside the cell).
"""

from __future__ import annotations

import numpy as np

from ._validate import (
    check_cache,
    check_grad,
    check_grad_pair,
    check_pair,
    check_params,
    check_x,
)


def sigmoid(a):
    """σ(a) = 1 / (1 + exp(−a)), computed without overflow for large |a|."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def lstm_cell_forward(x_t, state_prev, params):
    """One LSTM step (the equations of the module docstring).

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
    cache : dict for :func:`lstm_cell_backward`: its own copies of ``x_t``,
        ``h_prev``, ``c_prev``, the gates ``i``, ``f``, ``g``, ``o`` and ``c``
        (each (B, H)), and ``params`` (keep it unchanged until the backward
        pass).
    """
    x_t = check_x(x_t, ndim=2, name="x_t")
    B, D = x_t.shape
    H = check_params("lstm", params, D, x_t.dtype)
    h_prev, c_prev = check_pair("state_prev", state_prev, B, H, x_t.dtype)
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]
    b_ih, b_hh = params.get("bias_ih", 0), params.get("bias_hh", 0)

    a = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh  # a_t (B, 4H)
    i = sigmoid(a[:, 0:H])  # input gate
    f = sigmoid(a[:, H : 2 * H])  # forget gate
    g = np.tanh(a[:, 2 * H : 3 * H])  # candidate
    o = sigmoid(a[:, 3 * H : 4 * H])  # output gate
    c = f * c_prev + i * g  # c_t
    h = o * np.tanh(c)  # h_t

    cache = dict(made_by="lstm_cell_forward", x_t=x_t, h_prev=h_prev,
                 c_prev=c_prev, i=i, f=f, g=g, o=o, c=c.copy(), params=params)
    return (h, c), cache


def lstm_cell_backward(dstate, cache):
    """Backward of :func:`lstm_cell_forward`, given ``dstate``.

    ``dstate`` = (∂L/∂h_t, ∂L/∂c_t), where ∂L/∂c_t is the gradient that
    reaches c_t from step t+1 (zero at the last step); either element may be
    None (zeros).

    Returns
    -------
    dx_t : ndarray (B, D)
    (dh_prev, dc_prev) : tuple of (B, H) arrays
    grads : dict with the keys of ``params``
    """
    check_cache(cache, "lstm", step=True)
    i, f, g, o, c = cache["i"], cache["f"], cache["g"], cache["o"], cache["c"]
    x_t, h_prev, c_prev, params = (cache["x_t"], cache["h_prev"],
                                   cache["c_prev"], cache["params"])
    B, H = c.shape
    dh, dc = check_grad_pair("dstate", dstate, B, H, c.dtype)
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]

    tanh_c = np.tanh(c)
    do = dh * tanh_c  # ∂L/∂o_t
    dc = dc + dh * o * (1 - tanh_c**2)  # ∂L/∂c_t, all paths
    df = dc * c_prev  # ∂L/∂f_t
    di = dc * g  # ∂L/∂i_t
    dg = dc * i  # ∂L/∂g_t
    dc_prev = dc * f  # ∂L/∂c_{t-1}
    # δ_t = ∂L/∂a_t (B, 4H)
    da = np.concatenate([di * i * (1 - i), df * f * (1 - f),
                         dg * (1 - g**2), do * o * (1 - o)], axis=1)
    dx_t = da @ W_ih  # W_ih^T δ_t
    dh_prev = da @ W_hh  # W_hh^T δ_t
    grads = {
        "weight_ih": da.T @ x_t,  # δ_t x_t^T
        "weight_hh": da.T @ h_prev,  # δ_t h_{t-1}^T
    }
    if "bias_ih" in params:
        grads["bias_ih"] = da.sum(axis=0)
        grads["bias_hh"] = da.sum(axis=0)
    return dx_t, (dh_prev, dc_prev), grads


def lstm_forward(x, state0, params):
    """Run the LSTM over a sequence, one :func:`lstm_cell_forward` per step.

    Parameters
    ----------
    x : ndarray (T, B, D)
        Time-major input.
    state0 : tuple (h_0, c_0) of (B, H) arrays, or None
        Initial state; None (or a None element) means zeros.
    params : dict
        The ``torch.nn.LSTM`` layout, gate order (i, f, g, o).

    Returns
    -------
    y : ndarray (T, B, H)
        h_1..h_T.
    (h_T, c_T) : tuple of (B, H) arrays
    cache : dict
        The cache of every step, for :func:`lstm_backward`.
    """
    x = check_x(x)
    T, B, D = x.shape
    H = check_params("lstm", params, D, x.dtype)
    h, c = check_pair("state0", state0, B, H, x.dtype)

    y, steps = [], []
    for t in range(T):
        (h, c), cache_t = lstm_cell_forward(x[t], (h, c), params)
        y.append(h)
        steps.append(cache_t)

    cache = dict(made_by="lstm_forward", steps=steps, params=params,
                 shape=(T, B, D, H), dtype=x.dtype)
    y = np.stack(y) if T else np.zeros((0, B, H), dtype=x.dtype)
    return y, (h.copy(), c.copy()), cache


def lstm_backward(dy, dstate_T, cache):
    """Backpropagation through time for :func:`lstm_forward`.

    ``dy`` (T, B, H) is ∂L/∂y; ``dstate_T`` = (∂L/∂h_T, ∂L/∂c_T) is a
    gradient arriving at the final state from outside the sequence
    (truncated BPTT); it, or either element, may be None. For t = T..1 the
    gradient of h_t is dy_t plus what step t+1 sends back, and the gradient
    of c_t is what step t+1 sends back through f_{t+1}; each step's
    parameter gradients are summed.

    Returns
    -------
    dx : ndarray (T, B, D)
    (dh0, dc0) : tuple of (B, H) arrays
    grads : dict with the keys of ``params``
    """
    check_cache(cache, "lstm", step=False)
    T, B, D, H = cache["shape"]
    dtype = cache["dtype"]
    dy = check_grad("dy", dy, (T, B, H), dtype)
    dh, dc = check_grad_pair("dstate_T", dstate_T, B, H, dtype, t="T")

    grads = {k: np.zeros_like(v) for k, v in cache["params"].items()}
    dx = np.zeros((T, B, D), dtype=dtype)
    for t in reversed(range(T)):
        dx[t], (dh, dc), grads_t = lstm_cell_backward(
            (dy[t] + dh, dc), cache["steps"][t]
        )
        for k in grads:
            grads[k] += grads_t[k]
    return dx, (dh, dc), grads
