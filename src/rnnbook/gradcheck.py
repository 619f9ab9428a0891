"""Numerical gradient checking.

A hand-written backward pass is only trusted once it agrees with a numerical
estimate of the same derivatives.  The estimate used here is the centred
difference

    ∂L/∂θ_j ≈ (L(θ + ε e_j) − L(θ − ε e_j)) / (2ε),

whose error is O(ε²) (the one-sided difference has O(ε)), plus a rounding
error of about (machine epsilon · |L|) / ε.  In float64 with ε = 1e-6 the two
balance at a relative error around 1e-9 or below for smooth functions, so a
correct backward pass typically shows relative errors of 1e-7 or less, and a
wrong one shows errors of order 1.  Always check in float64: in float32 the
rounding term alone is about 1e-1 for ε = 1e-6.

Functions at a kink (relu at exactly 0, max, abs) can fail the check
legitimately when a perturbation crosses the kink.

Relative error
--------------
For every checked key, with ``a`` the analytic and ``n`` the numerical
gradient restricted to the checked entries, the *normwise* relative error

    rel(a, n) = ‖a − n‖₂ / max(‖a‖₂ + ‖n‖₂, tiny)

is reported; it lies in [0, 1] and does not blow up on entries that are
(nearly) zero, as the entrywise |a − n| / (|a| + |n|) does.  The report also
names the worst single entry: the one with the largest |a − n| in the key
with the largest normwise error.

Non-finite values
-----------------
A NaN or inf in an analytic gradient, in a numerical gradient (the loss is
NaN or inf beside the point) or in the loss itself fails the check: the key's
relative error is NaN, ``ok()`` is False for every tolerance, and the report
says where the first non-finite value is.  (A plain ``max`` of the errors
would silently skip a NaN.)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

_TINY = 1e-300


def numerical_gradient(
    f: Callable, x: np.ndarray, eps: float = 1e-6, indices=None
) -> np.ndarray:
    """Centred-difference gradient of scalar ``f(x)`` with respect to ``x``.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a scalar.  It is called 2 times per checked entry,
        with ``x`` perturbed **in place**: ``f`` must read the array it is
        given (or the same array through a closure), not a copy made
        earlier.
    x : ndarray of float
        Perturbed in place and restored entry by entry (also if ``f``
        raises).
    eps : float
        Step ε.
    indices : array of int, optional
        Flat (C-order) indices of the entries to differentiate.  Default: all.

    Returns
    -------
    ndarray
        With ``indices=None`` an array shaped like ``x``; otherwise a 1-D
        array with the partial derivatives at ``indices``.
    """
    if not (isinstance(x, np.ndarray)
            and np.issubdtype(x.dtype, np.floating)):
        raise TypeError(
            "x must be a NumPy array of floats, "
            f"got {type(x).__name__} {getattr(x, 'dtype', '')}"
        )
    if x.dtype != np.float64:
        warnings.warn(
            f"numerical gradient in {x.dtype}: expect large rounding "
            "errors, check in float64",
            stacklevel=2,
        )
    flat = (
        np.arange(x.size) if indices is None else np.asarray(indices).ravel()
    )
    grad = np.empty(flat.size, dtype=np.float64)
    for k, j in enumerate(flat):
        idx = np.unravel_index(int(j), x.shape)
        old = x[idx]
        try:
            x[idx] = old + eps
            f_plus = float(f(x))
            x[idx] = old - eps
            f_minus = float(f(x))
        finally:
            x[idx] = old
        grad[k] = (f_plus - f_minus) / (2 * eps)
    return grad.reshape(x.shape) if indices is None else grad


def rel_err(a, b) -> float:
    """Normwise relative error of ``a`` against the reference ``b``.

    ‖a − b‖ / ‖b‖, with Frobenius norms over all entries, in float64;
    arrays, tensors and numbers are accepted (tensors are detached and moved
    to the CPU). When ``b`` is all zeros the absolute error ‖a − b‖ is
    returned. Shapes must match.
    """
    a, b = _as_float64(a), _as_float64(b)
    if a.shape != b.shape:
        raise ValueError(
            f"rel_err: a has shape {a.shape} and b has shape {b.shape}; "
            "they must match"
        )
    den = np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / (den if den > 0 else 1.0))


def _as_float64(v) -> np.ndarray:
    if hasattr(v, "detach"):  # a torch tensor
        v = v.detach().cpu().double().numpy()
    return np.asarray(v, dtype=np.float64)


def _rel(a: np.ndarray, n: np.ndarray) -> float:
    return float(
        np.linalg.norm(a - n)
        / max(np.linalg.norm(a) + np.linalg.norm(n), _TINY)
    )


@dataclass
class GradCheckReport:
    """Result of :func:`gradcheck`.

    Attributes
    ----------
    max_rel_error : float
        Largest normwise relative error over the checked keys.
    rel_errors : dict
        Normwise relative error ‖a − n‖ / (‖a‖ + ‖n‖) per key.
    n_checked : dict
        Number of entries checked per key.
    worst_key, worst_index, worst_analytic, worst_numerical
        In the key with the largest relative error, the entry with the
        largest |analytic − numerical|, its index and both values.
    eps : float
        Step used.
    loss : float
        The loss at the unperturbed parameters.
    problems : list of str
        Non-finite values found (in the loss or a gradient); any makes
        :meth:`ok` False.
    """

    max_rel_error: float
    rel_errors: dict = field(default_factory=dict)
    n_checked: dict = field(default_factory=dict)
    worst_key: str | None = None
    worst_index: tuple = ()
    worst_analytic: float = float("nan")
    worst_numerical: float = float("nan")
    eps: float = 1e-6
    loss: float = float("nan")
    problems: list = field(default_factory=list)

    def ok(self, tol: float = 1e-6) -> bool:
        """True if all values are finite and all relative errors ≤ ``tol``."""
        return (
            not self.problems
            # all(...) is False for NaN
            and all(e <= tol for e in self.rel_errors.values())
            and self.max_rel_error <= tol
        )

    def __str__(self) -> str:
        width = max([len(str(k)) for k in self.rel_errors] + [3])
        lines = [
            f"gradient check (centred differences, eps={self.eps:g})",
            f"  {'key':<{width}}  {'entries':>7}  rel. error",
        ]
        for key, err in self.rel_errors.items():
            lines.append(
                f"  {key!s:<{width}}  {self.n_checked[key]:>7}  {err:.3e}"
            )
        lines.append(f"  max relative error {self.max_rel_error:.3e}")
        lines += [f"  FAILED: {p}" for p in self.problems]
        if self.worst_key is not None:
            lines.append(
                f"  worst entry {self.worst_key}{list(self.worst_index)}: "
                f"analytic {self.worst_analytic:.9g}, "
                f"numerical {self.worst_numerical:.9g}"
            )
        return "\n".join(lines)


def gradcheck(
    f: Callable,
    params: Mapping,
    analytic: Mapping,
    eps: float = 1e-6,
    max_entries: int | None = None,
    seed: int = 0,
) -> GradCheckReport:
    """Compare analytic gradients with centred differences.

    Parameters
    ----------
    f : callable
        ``f(params)`` returns the scalar loss; it must read the arrays of
        ``params``, which are perturbed in place one entry at a time (and
        restored).  Inputs such as ``x`` or ``h0`` can be checked too: put
        them in ``params`` and read them from there.
    params : dict of ndarray
        The arrays the loss depends on (float64 recommended).
    analytic : dict of ndarray
        Analytic gradients; every key is checked and must be in ``params``
        with the same shape.
    eps : float
        Step of the centred difference.
    max_entries : int, optional
        Check at most this many entries per key, drawn without replacement
        by a generator seeded with ``seed`` (keeps checks of big arrays fast).

    Returns
    -------
    GradCheckReport
        Use ``report.ok(tol)`` in tests and ``print(report)`` to read it.
    """
    rng = np.random.default_rng(seed)
    report = GradCheckReport(max_rel_error=0.0, eps=eps, loss=float(f(params)))
    if not np.isfinite(report.loss):
        report.problems.append(f"the loss is not finite: {report.loss}")
    worst = (-1.0, -1.0)  # (relative error of the key, |a - n| of the entry)
    for key, a in analytic.items():
        if key not in params:
            raise ValueError(
                f"analytic gradient {key!r} has no array in params "
                f"(keys: {list(params)})"
            )
        p = params[key]
        a = np.asarray(a, dtype=np.float64)
        if a.shape != p.shape:
            raise ValueError(
                f"analytic[{key!r}] has shape {a.shape}, "
                f"params[{key!r}] has shape {p.shape}"
            )
        if max_entries is not None and p.size > max_entries:
            idx = np.sort(rng.choice(p.size, size=max_entries, replace=False))
        else:
            idx = np.arange(p.size)
        num = numerical_gradient(lambda _: f(params), p, eps=eps, indices=idx)
        a_sel = a.reshape(-1)[idx]
        report.n_checked[key] = int(idx.size)
        bad = _non_finite(key, p.shape, idx, a_sel, num)
        if bad is not None:
            message, k = bad
            report.problems.append(message)
            report.rel_errors[key] = float("nan")
            cand = (np.inf, np.inf)  # a non-finite key is the worst
        else:
            report.rel_errors[key] = err = _rel(a_sel, num)
            if idx.size == 0:
                continue
            k = int(np.argmax(np.abs(a_sel - num)))
            cand = (err, float(abs(a_sel[k] - num[k])))
        if cand > worst:
            worst = cand
            report.worst_key = key
            report.worst_index = tuple(
                int(i) for i in np.unravel_index(int(idx[k]), p.shape)
            )
            report.worst_analytic = float(a_sel[k])
            report.worst_numerical = float(num[k])
    errors = list(report.rel_errors.values())
    report.max_rel_error = (
        float("nan") if any(np.isnan(errors)) else max(errors, default=0.0)
    )
    return report


def _non_finite(key, shape, idx, analytic, numerical):
    """None if both gradients are finite, else (message, index in ``idx``)."""
    for name, g in (("analytic", analytic), ("numerical", numerical)):
        bad = ~np.isfinite(g)
        if bad.any():
            k = int(np.argmax(bad))
            where = tuple(int(i) for i in np.unravel_index(int(idx[k]), shape))
            hint = (
                ""
                if name == "analytic"
                else " (the loss is NaN or inf near this point)"
            )
            return (
                f"{name} gradient {key}{list(where)} is not finite ({g[k]}), "
                f"{int(bad.sum())} non-finite entries{hint}",
                k,
            )
    return None
