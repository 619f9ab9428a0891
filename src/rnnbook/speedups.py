"""The rungs of the speed-up ladder for the LSTM forward pass, in NumPy.

Every function here has the signature and the results of the literal
:func:`rnnbook.numpy.lstm_forward` (book/notation.md; gate order i, f, g, o
as in ``torch.nn.LSTM``)::

    lstm_forward_*(x, state0, params) -> (y, (h_T, c_T), cache)

    x (T, B, D), state0 = (h_0, c_0) of (B, H) arrays or None,
    params: weight_ih (4H, D), weight_hh (4H, H), bias_ih, bias_hh (4H,),
    y (T, B, H) = h_1..h_T.

The cache has the layout of the literal one, so
:func:`rnnbook.numpy.lstm_backward` accepts it: what changes is only how the
forward equations are evaluated,

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh          (B, 4H)
    [i, f, g, o] = [σ(a_i), σ(a_f), tanh(a_g), σ(a_o)]
    c_t = f ⊙ c_{t-1} + i ⊙ g,   h_t = o ⊙ tanh(c_t).

Each rung is the previous one plus one trick:

1. :func:`lstm_forward_inline`: the loop evaluates the step itself instead
   of calling the one-step function, so the per-step input checks and
   copies go; the arithmetic is the literal one.
2. :func:`lstm_forward_hoisted`: the input part W_ih x_t + b_ih + b_hh does
   not depend on h_{t-1}, so it is one product (T·B, D) × (D, 4H) before
   the loop; only W_hh h_{t-1} stays inside.
3. :func:`lstm_forward_fused`: the gate blocks are reordered to (i, f, o, g)
   in the weights, once, so that one σ call covers the three sigmoid gates,
   a contiguous (B, 3H) block, and one tanh call covers g.
4. :func:`lstm_forward_inplace`: preallocated (T+1, B, H) arrays for h and
   c and a (T, B, 4H) array for the gates; every step writes into them with
   ``out=`` and allocates nothing; σ is computed in place by a formula
   without ``np.where`` (:func:`_sigmoid_into`).
5. the sigmoid through tanh, σ(a) = ½ + ½ tanh(½ a), with the ½ folded into
   the weights: :func:`rnnbook.fast.lstm_forward`, the last rung (its cache
   is its own, for :func:`rnnbook.fast.lstm_backward`).

:func:`lstm_forward_per_gate` is rung 1 with one product per gate and side,
eight per step, as courses often write it: the literal code (and every
rung) already stacks the gates into one product per side, and this
variant measures what that fusion of the gate products buys.

:func:`cache_nbytes` counts the bytes a cache keeps for the backward pass.
Tricks of this kind, for GPUs, are described by Appleyard, Kočiský and
Blunsom (2016), "Optimizing performance of recurrent neural networks on
GPUs", arXiv:1604.01946.
"""

from __future__ import annotations

import numpy as np

from .numpy.lstm import sigmoid  # the literal σ, safe from overflow

__all__ = [
    "lstm_forward_inline",
    "lstm_forward_per_gate",
    "lstm_forward_hoisted",
    "lstm_forward_fused",
    "lstm_forward_inplace",
    "cache_nbytes",
]


def _prepare(x, state0, params):
    """Check the inputs; return x (a copy), h_0, c_0 and H."""
    x = np.array(x, copy=True)
    if x.ndim != 3 or x.dtype not in (np.float32, np.float64):
        raise ValueError(
            "x must be a float32 or float64 array of shape (T, B, D), got "
            f"shape {x.shape} and dtype {x.dtype}"
        )
    T, B, D = x.shape
    w_ih = params.get("weight_ih") if isinstance(params, dict) else None
    if w_ih is None or w_ih.ndim != 2 or w_ih.shape[0] % 4 or \
            w_ih.shape[1] != D or "weight_hh" not in params:
        raise ValueError(
            "params must hold weight_ih (4H, D) with D = x.shape[2] = "
            f"{D} and weight_hh (4H, H), as in torch.nn.LSTM; got "
            f"weight_ih {getattr(w_ih, 'shape', None)}"
        )
    H = w_ih.shape[0] // 4
    if params["weight_hh"].shape != (4 * H, H):
        raise ValueError(
            f"params['weight_hh'] must have shape (4H, H) = {(4 * H, H)}, "
            f"got {params['weight_hh'].shape}"
        )
    h0, c0 = (None, None) if state0 is None else state0
    states = []
    for name, s in (("h_0", h0), ("c_0", c0)):
        s = np.zeros((B, H), x.dtype) if s is None else np.array(s, x.dtype)
        if s.shape != (B, H):
            raise ValueError(f"{name} must have shape (B, H) = {(B, H)}, "
                             f"got {s.shape}")
        states.append(s)
    return x, states[0], states[1], H


def _bias(params, H, dtype):
    """b_ih + b_hh (4H,), or zeros for a layer without biases."""
    if "bias_ih" in params:
        return params["bias_ih"] + params["bias_hh"]
    return np.zeros(4 * H, dtype)


def _reorder(w):
    """(i, f, g, o) -> (i, f, o, g) along axis 0."""
    i, f, g, o = np.split(w, 4)
    return np.concatenate([i, f, o, g])


def _cache(x, params, steps, dtype):
    """The cache of :func:`rnnbook.numpy.lstm_forward`, from per-step dicts
    of x_t, h_prev, c_prev, i, f, g, o and c."""
    for s in steps:
        s.update(made_by="lstm_cell_forward", params=params)
    T, B, D = x.shape
    H = params["weight_hh"].shape[1]
    return dict(made_by="lstm_forward", steps=steps, params=params,
                shape=(T, B, D, H), dtype=dtype)


def _finish(x, params, ys, h, c, steps):
    T, B, _ = x.shape
    y = np.stack(ys) if T else np.zeros((0, B, h.shape[1]), x.dtype)
    return y, (h.copy(), c.copy()), _cache(x, params, steps, x.dtype)


# ---------------------------------------------------------------- the rungs
def lstm_forward_inline(x, state0, params):
    """Rung 1: the literal step written into the loop, no per-step call."""
    x, h, c, H = _prepare(x, state0, params)
    b = _bias(params, H, x.dtype)
    W_ih_T, W_hh_T = params["weight_ih"].T, params["weight_hh"].T
    ys, steps = [], []
    for t in range(x.shape[0]):
        a = x[t] @ W_ih_T + h @ W_hh_T + b  # (B, 4H)
        i = sigmoid(a[:, :H])
        f = sigmoid(a[:, H:2 * H])
        g = np.tanh(a[:, 2 * H:3 * H])
        o = sigmoid(a[:, 3 * H:])
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        steps.append(dict(x_t=x[t], h_prev=h, c_prev=c, i=i, f=f, g=g,
                          o=o, c=c_new))
        h, c = h_new, c_new
        ys.append(h)
    return _finish(x, params, ys, h, c, steps)


def lstm_forward_per_gate(x, state0, params):
    """Rung 1 with one product per gate and side, eight per step."""
    x, h, c, H = _prepare(x, state0, params)
    b = _bias(params, H, x.dtype)
    Wi = np.split(params["weight_ih"], 4)  # W_ii, W_if, W_ig, W_io (H, D)
    Wh = np.split(params["weight_hh"], 4)  # W_hi, ... (H, H)
    bs = np.split(b, 4)
    ys, steps = [], []
    for t in range(x.shape[0]):
        i = sigmoid(x[t] @ Wi[0].T + h @ Wh[0].T + bs[0])
        f = sigmoid(x[t] @ Wi[1].T + h @ Wh[1].T + bs[1])
        g = np.tanh(x[t] @ Wi[2].T + h @ Wh[2].T + bs[2])
        o = sigmoid(x[t] @ Wi[3].T + h @ Wh[3].T + bs[3])
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        steps.append(dict(x_t=x[t], h_prev=h, c_prev=c, i=i, f=f, g=g,
                          o=o, c=c_new))
        h, c = h_new, c_new
        ys.append(h)
    return _finish(x, params, ys, h, c, steps)


def lstm_forward_hoisted(x, state0, params):
    """Rung 2: W_ih x_t + b for every t in one product before the loop."""
    x, h, c, H = _prepare(x, state0, params)
    T, B, D = x.shape
    b = _bias(params, H, x.dtype)
    # (T·B, D) × (D, 4H): the input part of every step at once
    ax = (x.reshape(T * B, D) @ params["weight_ih"].T + b).reshape(T, B, -1)
    W_hh_T = params["weight_hh"].T
    ys, steps = [], []
    for t in range(T):
        a = ax[t] + h @ W_hh_T  # (B, 4H)
        i = sigmoid(a[:, :H])
        f = sigmoid(a[:, H:2 * H])
        g = np.tanh(a[:, 2 * H:3 * H])
        o = sigmoid(a[:, 3 * H:])
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        steps.append(dict(x_t=x[t], h_prev=h, c_prev=c, i=i, f=f, g=g,
                          o=o, c=c_new))
        h, c = h_new, c_new
        ys.append(h)
    return _finish(x, params, ys, h, c, steps)


def lstm_forward_fused(x, state0, params):
    """Rung 3: rung 2 with the gates in the order (i, f, o, g), so that one
    σ call evaluates i, f and o together."""
    x, h, c, H = _prepare(x, state0, params)
    T, B, D = x.shape
    w_ih = _reorder(params["weight_ih"])  # once, outside the loop
    W_hh_T = _reorder(params["weight_hh"]).T
    b = _reorder(_bias(params, H, x.dtype))
    ax = (x.reshape(T * B, D) @ w_ih.T + b).reshape(T, B, -1)
    ys, steps = [], []
    for t in range(T):
        a = ax[t] + h @ W_hh_T  # (B, 4H), blocks (i, f, o, g)
        s = sigmoid(a[:, :3 * H])  # i, f, o in one call
        g = np.tanh(a[:, 3 * H:])
        i, f, o = s[:, :H], s[:, H:2 * H], s[:, 2 * H:]
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        steps.append(dict(x_t=x[t], h_prev=h, c_prev=c, i=i, f=f, g=g,
                          o=o, c=c_new))
        h, c = h_new, c_new
        ys.append(h)
    return _finish(x, params, ys, h, c, steps)


def _sigmoid_into(v, e):
    """v ← σ(v) in place, with a scratch array ``e`` of v's shape.

    σ(a) = exp(min(a, 0)) / (1 + exp(−|a|)): the values of :func:`sigmoid`
    without its ``np.where``, which has no ``out=``; neither exponential
    can overflow.
    """
    np.abs(v, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    e += 1  # 1 + exp(−|a|)
    np.minimum(v, 0, out=v)
    np.exp(v, out=v)
    v /= e


def lstm_forward_inplace(x, state0, params):
    """Rung 4: rung 3 writing into preallocated buffers, no allocation in
    the loop."""
    x, h0, c0, H = _prepare(x, state0, params)
    T, B, D = x.shape
    w_ih = _reorder(params["weight_ih"])
    W_hh_T = np.ascontiguousarray(_reorder(params["weight_hh"]).T)  # (H,4H)
    b = _reorder(_bias(params, H, x.dtype))
    hs = np.empty((T + 1, B, H), x.dtype)  # h_0..h_T
    cs = np.empty((T + 1, B, H), x.dtype)  # c_0..c_T
    hs[0], cs[0] = h0, c0
    gates = (x.reshape(T * B, D) @ w_ih.T).reshape(T, B, 4 * H)
    gates += b
    buf, tmp = np.empty((B, 4 * H), x.dtype), np.empty((B, H), x.dtype)
    scratch = np.empty((B, 3 * H), x.dtype)
    steps = []
    for t in range(T):
        a = gates[t]  # (B, 4H), blocks (i, f, o, g)
        np.dot(hs[t], W_hh_T, out=buf)
        a += buf
        _sigmoid_into(a[:, :3 * H], scratch)
        np.tanh(a[:, 3 * H:], out=a[:, 3 * H:])
        i, f, o, g = (a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H],
                      a[:, 3 * H:])
        np.multiply(f, cs[t], out=cs[t + 1])
        np.multiply(i, g, out=tmp)
        cs[t + 1] += tmp  # c_t = f ⊙ c_{t-1} + i ⊙ g
        np.tanh(cs[t + 1], out=tmp)
        np.multiply(o, tmp, out=hs[t + 1])  # h_t = o ⊙ tanh(c_t)
        steps.append(dict(x_t=x[t], h_prev=hs[t], c_prev=cs[t], i=i,
                          f=f, g=g, o=o, c=cs[t + 1]))
    cache = _cache(x, params, steps, x.dtype)
    return hs[1:].copy(), (hs[T].copy(), cs[T].copy()), cache


# ------------------------------------------------------------ memory kept
def _arrays(obj, skip):
    if isinstance(obj, np.ndarray):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if k not in skip:
                yield from _arrays(v, skip)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _arrays(v, skip)


def cache_nbytes(cache, skip=("params",)) -> int:
    """Bytes of the arrays a cache keeps alive for the backward pass.

    Views count once, through the array that owns their memory; the
    parameters (key ``params``) are not counted, since they exist anyway.
    """
    owners = {}
    for a in _arrays(cache, set(skip)):
        while isinstance(a.base, np.ndarray):
            a = a.base
        owners[id(a)] = a.nbytes
    return sum(owners.values())
