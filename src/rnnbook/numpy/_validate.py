"""Input checks shared by the NumPy RNN, LSTM and GRU.

A wrong shape deep inside a matrix product produces an error such as
``matmul: Input operand 1 has a mismatch in its core dimension 0``, which says
nothing about *which* argument is wrong.  The functions here check every input
of :mod:`rnnbook.numpy` up front and raise :class:`ValueError` with a message
that names the argument, the shape (or key, or dtype) that was expected and
the one that was received, e.g.::

    x must be 3-D (T, B, D), got shape (5, 3)
    params['weight_hh'] must have shape (24, 8) = (3*H, H) for gru, got (24, 4)

The parameter layout is the one of a one-layer ``torch.nn.RNN``/``LSTM``/
``GRU`` with the ``_l0`` suffix removed: ``weight_ih`` (G*H, D), ``weight_hh``
(G*H, H), ``bias_ih`` (G*H,), ``bias_hh`` (G*H,), where G is the number of
gate blocks stacked along the first axis (:data:`GATES`).  The hidden size H
is read from the number of rows of ``weight_ih``.  A layer has both biases
or neither (``bias=True`` or ``bias=False`` in ``torch.nn``); weights may
not be left out.

Ownership.  :func:`check_x` and :func:`check_state` return *copies* of what
the caller passed in, so that a cache built from them owns its arrays: the
caller may edit its inputs in place (reuse a buffer, carry a state forward)
without changing what the backward pass computes.  The copies are of the
size of the inputs, small next to the matrix products of the forward pass.
The parameters are not copied: the cache refers to ``params``, whose arrays
must stay as they are until the backward pass (an optimiser updates them
after it).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

#: Number of stacked gate blocks G in the weight matrices of each kind.
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
#: How the first axis of the weights is described in messages.
_ROWS = {"rnn": "H", "lstm": "4*H", "gru": "3*H"}
WEIGHT_KEYS = ("weight_ih", "weight_hh")
BIAS_KEYS = ("bias_ih", "bias_hh")
NONLINEARITIES = ("tanh", "relu")


def _fmt(shape) -> str:
    return str(tuple(int(s) for s in shape))


def float_dtype(name: str, arr: np.ndarray) -> np.dtype:
    """Return the dtype of ``arr`` if it is float32 or float64, else raise."""
    if arr.dtype not in (np.float32, np.float64):
        raise ValueError(
            f"{name} must have dtype float32 or float64, got {arr.dtype}"
        )
    return arr.dtype


def same_dtype(name: str, arr: np.ndarray, dtype: np.dtype) -> None:
    """Raise if ``arr`` does not have the dtype of the input ``x``."""
    if arr.dtype != dtype:
        raise ValueError(
            f"mixed dtypes: x is {dtype} but {name} is {arr.dtype}; "
            f"convert all arrays to one dtype (e.g. .astype(np.{dtype}))"
        )


def check_x(x, ndim: int = 3, name: str = "x") -> np.ndarray:
    """Check that ``x`` is a float array of ``ndim`` dimensions; return a copy.

    ``ndim`` is 3 for a sequence (T, B, D) and 2 for one step (B, D).
    """
    x = np.asarray(x)
    layout = "(T, B, D)" if ndim == 3 else "(B, D)"
    if x.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-D {layout}, got shape {_fmt(x.shape)}"
        )
    float_dtype(name, x)
    return x.copy()


def check_nonlinearity(nonlinearity: str) -> str:
    """Raise unless ``nonlinearity`` is ``'tanh'`` or ``'relu'``."""
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(
            f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}"
        )
    return nonlinearity


def check_params(kind: str, params, D: int, dtype: np.dtype) -> int:
    """Check the parameter dict of a ``kind`` layer fed inputs of size ``D``.

    Returns the hidden size H.
    """
    G, rows = GATES[kind], _ROWS[kind]
    if not isinstance(params, Mapping):
        raise TypeError(
            f"params must be a dict of arrays, got {type(params).__name__}"
        )
    for key in params:
        if key not in WEIGHT_KEYS + BIAS_KEYS:
            hint = ""
            if isinstance(key, str) and key.endswith("_l0"):
                hint = (
                    " (strip the '_l0' suffix of torch.nn names: "
                    f"{key[:-3]!r})"
                )
            raise ValueError(
                f"unexpected key {key!r} in params; expected keys "
                f"{list(WEIGHT_KEYS + BIAS_KEYS)}{hint}"
            )
    for key in WEIGHT_KEYS:
        if key not in params:
            raise ValueError(
                f"params is missing key {key!r}; expected an array of shape "
                f"({rows}, {'D' if key == 'weight_ih' else 'H'}) for {kind}"
            )
    biases = [key for key in BIAS_KEYS if key in params]
    if len(biases) == 1:
        (have,) = biases
        (missing,) = set(BIAS_KEYS) - {have}
        raise ValueError(
            f"params has {have!r} but is missing key {missing!r}: "
            "a layer has both biases or neither, as in torch.nn; "
            f"add {missing!r} of shape ({rows},) "
            f"(zeros leave the layer unchanged) or remove {have!r}"
        )

    for key, value in params.items():
        if not isinstance(value, np.ndarray):
            raise TypeError(
                f"params[{key!r}] must be a NumPy array, "
                f"got {type(value).__name__}"
                " (convert a tensor with .detach().cpu().numpy())"
            )
    w_ih = params["weight_ih"]
    if w_ih.ndim != 2 or w_ih.shape[0] == 0 or w_ih.shape[0] % G:
        raise ValueError(
            f"params['weight_ih'] must have shape ({rows}, D) for {kind}, "
            f"a 2-D array whose row count is a positive multiple of {G}; "
            f"got {_fmt(w_ih.shape)}"
        )
    H = w_ih.shape[0] // G
    if w_ih.shape[1] != D:
        raise ValueError(
            f"input size mismatch: x has D={D} (its last axis), but "
            f"params['weight_ih'] has shape {_fmt(w_ih.shape)}; expected "
            f"{_fmt((G * H, D))} = ({rows}, D) for {kind}"
        )
    expected = {
        "weight_ih": ((G * H, D), f"({rows}, D)"),
        "weight_hh": ((G * H, H), f"({rows}, H)"),
        "bias_ih": ((G * H,), f"({rows},)"),
        "bias_hh": ((G * H,), f"({rows},)"),
    }
    for key, (shape, symbolic) in expected.items():
        if key not in params:
            continue
        arr = params[key]
        if arr.shape != shape:
            raise ValueError(
                f"params[{key!r}] must have shape {_fmt(shape)} = {symbolic} "
                f"for {kind}, got {_fmt(arr.shape)}"
            )
        float_dtype(f"params[{key!r}]", arr)
        same_dtype(f"params[{key!r}]", arr, dtype)
    return H


def bias_sum(params):
    """b_ih + b_hh, or None for a layer without biases.

    A layer has both biases or neither (checked by :func:`check_params`).
    """
    return (
        params["bias_ih"] + params["bias_hh"] if "bias_ih" in params else None
    )


def check_state(
    name: str, state, B: int, H: int, dtype: np.dtype
) -> np.ndarray:
    """Check one (B, H) state array and return a copy; ``None`` means zeros."""
    if state is None:
        return np.zeros((B, H), dtype=dtype)
    state = np.asarray(state)
    if state.shape != (B, H):
        raise ValueError(
            f"{name} must have shape (B, H) = {_fmt((B, H))}, "
            f"got {_fmt(state.shape)}"
        )
    float_dtype(name, state)
    same_dtype(name, state, dtype)
    return state.copy()


def check_pair(name: str, pair, B: int, H: int, dtype: np.dtype):
    """Check an LSTM (h, c) pair; ``None`` or ``None`` elements mean zeros."""
    if pair is None:
        pair = (None, None)
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise ValueError(
            f"{name} must be a pair (h, c) of (B, H) = {_fmt((B, H))} arrays "
            f"or None, got {type(pair).__name__}"
        )
    return (
        check_state(f"{name}[0] (h)", pair[0], B, H, dtype),
        check_state(f"{name}[1] (c)", pair[1], B, H, dtype),
    )


def check_grad(name: str, grad, shape, dtype: np.dtype) -> np.ndarray:
    """Check an upstream gradient (``dy``, ``dh_t``); ``None`` means zeros."""
    if grad is None:
        return np.zeros(shape, dtype=dtype)
    grad = np.asarray(grad)
    if grad.shape != tuple(shape):
        raise ValueError(
            f"{name} must have the shape of the forward output {_fmt(shape)}, "
            f"got {_fmt(grad.shape)}"
        )
    float_dtype(name, grad)
    if grad.dtype != dtype:
        raise ValueError(
            f"mixed dtypes: the forward pass ran in {dtype} but {name} is "
            f"{grad.dtype}; convert it with .astype(np.{dtype})"
        )
    return grad


def check_cache(cache, kind: str, step: bool) -> None:
    """Check that ``cache`` was produced by the matching forward function."""
    want = f"{kind}_cell_forward" if step else f"{kind}_forward"
    got = cache.get("made_by") if isinstance(cache, Mapping) else None
    if got != want:
        raise ValueError(f"cache must come from {want}, got one from {got}")


def check_grad_pair(
    name: str, pair, B: int, H: int, dtype: np.dtype, t: str = "t"
):
    """Check an LSTM gradient pair (dh, dc) and return copies.

    ``None`` (or a ``None`` element) means zeros.
    """
    if pair is None:
        pair = (None, None)
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise ValueError(
            f"{name} must be a pair (dh, dc) of (B, H) = {_fmt((B, H))} "
            f"arrays or None, got {type(pair).__name__}"
        )
    return (
        check_grad(f"{name}[0] (dh_{t})", pair[0], (B, H), dtype).copy(),
        check_grad(f"{name}[1] (dc_{t})", pair[1], (B, H), dtype).copy(),
    )
