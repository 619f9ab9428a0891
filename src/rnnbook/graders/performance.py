"""Graders for the exercises of the chapter "The cost of recurrence"
(``book/performance``).

``check_hoisted_lstm(fn)``
    ``fn(x, params) -> y`` is the reader's LSTM forward pass in NumPy from a
    zero state, x (T, B, D) -> y (T, B, H) = h_1..h_T, in the layout of
    ``torch.nn.LSTM`` (gate order i, f, g, o), with the input projection
    W_ih x_t + b_ih of every step computed *before* the time loop. The
    reference is :func:`rnnbook.numpy.lstm_forward`. Hoisting is checked by
    counting the matrix products that use ``params["weight_ih"]`` (or a
    view of it such as its transpose or a gate block): more than T/2 of them
    for T steps means the product is still inside the loop.
``check_flops(fn)``
    ``fn(model, T, B, D, H) -> float`` is the reader's count of the
    floating-point operations of the matrix products of one forward pass,
    2·T·B·G·H·(D + H) with G = 1, 4, 3 for ``"rnn"``, ``"lstm"``,
    ``"gru"``; the reference is :func:`rnnbook.bench.flops`.

Both print a verdict and return True or False; a wrong or crashing answer
is reported, never raised.
"""

from __future__ import annotations

import numpy as np

from ._grading import describe, graded, to_numpy, verdict

__all__ = ["check_hoisted_lstm", "check_flops"]

_PRODUCTS = {np.dot, np.matmul, np.einsum, np.tensordot, np.inner}


class _Counted(np.ndarray):
    """An array that counts the matrix products it takes part in.

    Views (``.T``, slices) share the counter; results of any operation are
    plain arrays, so that only products with the weight itself count.
    """

    def __array_finalize__(self, obj):
        self.counter = getattr(obj, "counter", None)

    @staticmethod
    def _plain(args):
        return tuple(a.view(np.ndarray) if isinstance(a, _Counted) else a
                     for a in args)

    def _count(self, args):
        if self.counter is not None and any(
                isinstance(a, _Counted) for a in args):
            self.counter[0] += 1

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc is np.matmul:
            self._count(inputs)
        if "out" in kwargs:
            kwargs["out"] = self._plain(kwargs["out"])
        return getattr(ufunc, method)(*self._plain(inputs), **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func in _PRODUCTS:
            self._count(args)
            args = tuple(self._plain(a) if isinstance(a, (list, tuple))
                         else self._plain([a])[0] for a in args)
            return func(*args, **kwargs)
        # np.split, np.transpose, ...: views of the weight stay counted
        return super().__array_function__(func, types, args, kwargs)


def _weight_counted(w):
    counted = w.copy().view(_Counted)
    counted.counter = [0]
    return counted


def _max_err(got, want) -> float:
    return float(np.max(np.abs(got.astype(np.float64) - want)))


@graded
def check_hoisted_lstm(fn, *, seed: int = 0, n_cases: int = 4) -> bool:
    """Grade ``fn(x, params) -> y``: an LSTM forward pass with the input
    projection hoisted out of the time loop.

    Cases use random sizes (D != H, T >= 6), float64 and float32, nonzero
    biases; tolerance 1e-10 (float64) or 1e-5 (float32) on y. The reader's
    function receives copies.
    """
    from rnnbook.numpy import lstm_forward

    rng = np.random.default_rng(seed)
    problems = []
    for c in range(n_cases):
        T, B = int(rng.integers(6, 11)), int(rng.integers(1, 5))
        D = int(rng.integers(2, 7))
        H = D + int(rng.integers(1, 4))
        dtype = np.float32 if c % 2 else np.float64
        tol = 1e-5 if dtype == np.float32 else 1e-10
        params = {
            "weight_ih": rng.standard_normal((4 * H, D)) * 0.5,
            "weight_hh": rng.standard_normal((4 * H, H)) * 0.5,
            "bias_ih": rng.standard_normal(4 * H) * 0.3,
            "bias_hh": rng.standard_normal(4 * H) * 0.3,
        }
        params = {k: v.astype(dtype) for k, v in params.items()}
        x = rng.standard_normal((T, B, D)).astype(dtype)
        case = (f"case {c + 1} (T={T}, B={B}, D={D}, H={H}, "
                f"{np.dtype(dtype).name})")
        want = lstm_forward(x, None, params)[0].astype(np.float64)
        mine = {k: v.copy() for k, v in params.items()}
        mine["weight_ih"] = _weight_counted(params["weight_ih"])
        try:
            got = fn(x.copy(), mine)
        except Exception as exc:  # noqa: BLE001 - report, never raise
            problems.append(
                f"{case}: your function raised {type(exc).__name__}: {exc}")
            continue
        if isinstance(got, tuple) and len(got) > 0:
            got = got[0]  # (y, state, ...) is accepted too
        got = to_numpy(got)
        if isinstance(got, np.ndarray):
            got = np.asarray(got)  # a plain array, not a counted one
        if not isinstance(got, np.ndarray) or got.shape != want.shape:
            problems.append(
                f"{case}: expected y, an array of shape (T, B, H) = "
                f"{want.shape}, got {describe(got)}")
            continue
        if got.dtype != dtype:
            problems.append(f"{case}: y should keep the input dtype "
                            f"{np.dtype(dtype).name}, got {got.dtype}")
            continue
        err = _max_err(got, want)
        if not err <= tol:
            problems.append(
                f"{case}: y has max abs error {err:.3g} (tolerance {tol:g});"
                " check the gate order (i, f, g, o) and both biases")
            continue
        n = mine["weight_ih"].counter[0]
        if n > T / 2:
            problems.append(
                f"{case}: the values are right, but weight_ih took part in "
                f"{n} matrix products for T = {T} steps: the input "
                "projection is still inside the loop. Compute x @ W_ih.T "
                "for all steps at once, before the loop (reshape x to "
                "(T*B, D)).")
    return verdict(problems, n_cases, "your hoisted LSTM forward pass",
                   reference="rnnbook.numpy.lstm_forward")


@graded
def check_flops(fn, *, seed: int = 0, n_cases: int = 9) -> bool:
    """Grade ``fn(model, T, B, D, H)``, the forward pass's matrix-product
    FLOPs, against :func:`rnnbook.bench.flops` (relative tolerance 1e-9)."""
    from rnnbook.bench import flops

    rng = np.random.default_rng(seed)
    problems = []
    for c in range(n_cases):
        model = ("rnn", "lstm", "gru")[c % 3]
        T, B, D, H = (int(v) for v in rng.integers(1, 300, size=4))
        want = flops(model, T, B, D, H)[0]
        case = f"case {c + 1} ({model}, T={T}, B={B}, D={D}, H={H})"
        try:
            got = fn(model, T, B, D, H)
            got = float(got)
        except Exception as exc:  # noqa: BLE001 - report, never raise
            problems.append(f"{case}: your function raised or returned a "
                            f"non-number ({type(exc).__name__}: {exc})")
            continue
        if not abs(got - want) <= 1e-9 * want:
            G = {"rnn": 1, "lstm": 4, "gru": 3}[model]
            hint = ""
            if abs(got - want / 2) <= 1e-9 * want:
                hint = " (a multiply and an add are two operations)"
            elif G > 1 and abs(got - want / G) <= 1e-9 * want:
                hint = (" (the weights stack G gate blocks: G = 4 for the "
                        "LSTM, 3 for the GRU)")
            problems.append(f"{case}: expected {want:.6g}, got {got:.6g}"
                            + hint)
    return verdict(problems, n_cases, "your FLOP count",
                   reference="rnnbook.bench.flops")
