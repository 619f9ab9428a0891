"""Graders for the exercises of the chapter "Vanishing and exploding gradients"
(``book/vanishing_gradients``).

``check_gradient_norms(fn)``
    ``fn(hs, W_hh, dh_T) -> dh`` carries a gradient backwards through a tanh
    RNN,

        z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh,
        h_t = tanh(z_t),   t = 1..T,

    one vector-Jacobian product per step, without forming any Jacobian:

    - ``hs`` (T + 1, H): ``hs[0]`` is h_0 and ``hs[t]`` is h_t (one sequence);
    - ``W_hh`` (H, H);
    - ``dh_T`` (H,): the gradient dL/dh_T arriving at the last state.

    It must return ``dh`` (T + 1, H) with ``dh[t]`` = dL/dh_t
    = (∂h_T/∂h_t)^T dL/dh_T (Jacobians in numerator layout, as in
    ``book/notation.md``), so ``dh[T]`` is ``dh_T`` and, since
    ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_hh,

        dh[t-1] = W_hh^T ((1 - h_t²) ⊙ dh[t]).

    The grader compares with two references: the explicit product of the
    per-step Jacobians and ``torch.autograd`` through the recurrence (float64),
    and recognises three classic slips (W_hh instead of W_hh^T, the derivative
    taken at h_{t-1} instead of h_t, the derivative left out).

``check_clip_by_global_norm(fn)``
    ``fn(grads, max_norm) -> clipped`` clips a list of NumPy gradient arrays by
    their *global* norm (Pascanu, Mikolov and Bengio 2013):

        n = sqrt(Σ_i ‖a_i‖²),   a_i ← a_i · min(1, max_norm / n),

    returning a list of new arrays of the same shapes and leaving the inputs
    unchanged. A small epsilon in the denominator, max_norm / (n + eps) as in
    PyTorch and ``rnnbook.clip``, is accepted (relative tolerance 1e-5). The
    grader recognises clipping each array by its own norm,
    clipping by value, and rescaling gradients that were already short enough;
    it names these slips only for answers whose values are wrong, so an answer
    with the right values that modified its inputs hears only about that.

Both graders print a verdict naming what was expected and what came back
(shape, dtype, largest error) and return True or False; a wrong or crashing
answer is reported, never raised.
"""

from __future__ import annotations

import numpy as np
from ._grading import (
    describe as _describe,
    graded,
    is_real,
    to_numpy as _to_numpy,
)

__all__ = [
    "check_gradient_norms",
    "check_clip_by_global_norm",
    "reference_gradient_norms",
    "reference_clip_by_global_norm",
]

# float64 answers agree to ~1e-14; anything above 1e-8 is a real difference
RTOL = 1e-8
# Clipping may divide by ||g|| + eps with a small eps (PyTorch and
# rnnbook.clip use 1e-6), which changes the result by about eps / ||g||; the
# slips the grader looks for are far larger.
RTOL_CLIP = 1e-5


# ------------------------------------------------------------------ helpers


def _rel(got, want) -> float:
    scale = max(float(np.linalg.norm(want)), 1e-300)
    return float(
        np.linalg.norm(np.asarray(got, dtype=np.float64) - want) / scale
    )


def _compare(name, got, want, case, rtol=RTOL) -> str | None:
    """None if ``got`` matches ``want``, else a message.

    Compared: shape, dtype float64 and values.
    """
    got = _to_numpy(got)
    if not isinstance(got, np.ndarray):
        return (
            f"{case}: {name} should be {_describe(want)}, got {_describe(got)}"
        )
    if got.shape != want.shape:
        return (
            f"{case}: {name} should have shape {want.shape}, got shape "
            f"{got.shape}"
        )
    if got.dtype != np.float64:
        return (
            f"{case}: {name} should have dtype float64 (the inputs' dtype), "
            f"got {got.dtype}"
        )
    if not np.all(np.isfinite(got)):
        return f"{case}: {name} contains NaN or inf"
    rel = _rel(got, want)
    if rel > rtol:
        diff = np.abs(got - want)
        idx = np.unravel_index(int(np.argmax(diff)), want.shape)
        return (
            f"{case}: {name} has relative error {rel:.3g} (largest at index "
            f"{tuple(map(int, idx))}: expected {want[idx]:.6g}, got "
            f"{got[idx]:.6g})"
        )
    return None


def _verdict(problems, n_wrong, hints, n_cases, what, refs) -> bool:
    if problems:
        print(f"not yet: {n_wrong} of {n_cases} cases wrong for {what}.")
        for p in problems[:3]:
            print("  -", p)
        for h in sorted(set(hints))[:2]:
            print("  " + h)
        return False
    print(f"correct: {what} matches {refs} on all {n_cases} random cases.")
    return True


# ------------------------------------------------------ gradient through time


def reference_gradient_norms(hs, W_hh, dh_T):
    """dh[t] = dL/dh_t for t = 0..T by the backward sweep.

    The grader's reference.
    """
    dh = [dh_T]
    for h in hs[:0:-1]:  # h_T, ..., h_1
        # J_t = dh_t/dh_{t-1} = diag(1 - h_t^2) W_hh
        J = (1.0 - h**2)[:, None] * W_hh
        # numerator layout: dL/dh_{t-1} = J_t^T dL/dh_t
        dh.append(J.T @ dh[-1])
    return np.stack(dh[::-1])


def _jacobian_product_reference(hs, W_hh, dh_T):
    """The same numbers from explicit Jacobians.

    dh[t] = (J_T ... J_{t+1})^T dh_T.
    """
    T, H = hs.shape[0] - 1, hs.shape[1]
    dh = np.empty_like(hs)
    prod = np.eye(H)  # ∂h_T/∂h_T
    dh[T] = dh_T
    for t in range(T, 0, -1):
        # ∂h_T/∂h_{t-1} = ∂h_T/∂h_t · J_t
        prod = prod @ ((1.0 - hs[t] ** 2)[:, None] * W_hh)
        dh[t - 1] = prod.T @ dh_T
    return dh


def _autograd_reference(x, h0, params, dh_T):
    """hs and dL/dh_t for L = <dh_T, h_T>, by torch.autograd.

    Autograd runs through the recurrence.
    """
    import torch

    W_ih, W_hh = (
        torch.from_numpy(params[k]) for k in ("weight_ih", "weight_hh")
    )
    b = torch.from_numpy(params["bias_ih"] + params["bias_hh"])
    h = torch.tensor(h0, requires_grad=True)
    states = [h]
    for t in range(x.shape[0]):
        h = torch.tanh(W_ih @ torch.from_numpy(x[t]) + b + W_hh @ h)
        h.retain_grad()
        states.append(h)
    (h * torch.from_numpy(dh_T)).sum().backward()
    hs = torch.stack([s.detach() for s in states]).numpy()
    dh = np.stack([s.grad.numpy() for s in states])
    return hs, dh


def _slips(hs, W_hh, dh_T):
    """Answers produced by classic mistakes, with the hint for each."""
    T = hs.shape[0] - 1
    out = []
    dh = np.empty_like(hs)
    dh[T] = dh_T
    for t in range(T, 0, -1):
        dh[t - 1] = W_hh @ ((1.0 - hs[t] ** 2) * dh[t])
    out.append(
        (
            dh.copy(),
            "hint: the backward step multiplies by W_hh^T, not W_hh "
            "(dL/dh_{t-1} = (∂h_t/∂h_{t-1})^T dL/dh_t).",
        )
    )
    for t in range(T, 0, -1):
        dh[t - 1] = W_hh.T @ ((1.0 - hs[t - 1] ** 2) * dh[t])
    out.append(
        (
            dh.copy(),
            "hint: the derivative in ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_hh is "
            "taken at h_t (hs[t]), the state the step produces, not at "
            "h_{t-1}.",
        )
    )
    for t in range(T, 0, -1):
        dh[t - 1] = W_hh.T @ dh[t]
    out.append(
        (
            dh.copy(),
            "hint: you left out tanh'(z_t) = 1 - h_t²; that is the gradient "
            "of a linear RNN.",
        )
    )
    return out


def _rnn_cases(rng, n_cases):
    fixed = [(1, 3), (4, 1), (6, 5), (12, 8)]
    out = fixed[:n_cases]
    while len(out) < n_cases:
        out.append((int(rng.integers(2, 20)), int(rng.integers(2, 9))))
    return out


@graded
def check_gradient_norms(fn, *, seed: int = 0, n_cases: int = 8) -> bool:
    """Grade ``fn(hs, W_hh, dh_T) -> dh`` (see the module docstring).

    Every case runs a float64 tanh RNN with random weights (some cases with
    large weights, so that tanh saturates) to get ``hs``, draws ``dh_T``, calls
    ``fn`` on copies and compares ``dh`` with the product of Jacobians and with
    ``torch.autograd`` (relative error at most 1e-8). Returns True when every
    case matches.
    """
    rng = np.random.default_rng(seed)
    what = "your backward sweep dL/dh_t"
    problems, hints, n_wrong = [], [], 0
    for k, (T, H) in enumerate(_rnn_cases(rng, n_cases)):
        D = int(rng.integers(1, 5))
        scale = 0.4 if k % 2 == 0 else 1.5
        case = f"T={T}, H={H}, weight scale {scale}"
        params = {
            "weight_ih": rng.normal(0, 1.0, (H, D)),
            "weight_hh": rng.normal(0, scale / np.sqrt(H), (H, H)),
            "bias_ih": rng.normal(0, 0.2, H),
            "bias_hh": rng.normal(0, 0.2, H),
        }
        x = rng.normal(size=(T, D))
        h0 = rng.normal(0, 0.5, size=H)
        dh_T = rng.normal(size=H)
        hs, dh_auto = _autograd_reference(x, h0, params, dh_T)
        W_hh = params["weight_hh"]
        dh_prod = _jacobian_product_reference(hs, W_hh, dh_T)
        ref_gap = _rel(dh_prod, dh_auto)
        if ref_gap > 1e-10:  # pragma: no cover - the grader is broken
            print(
                "grader problem: the Jacobian product and autograd disagree "
                f"({ref_gap:.2g}) for {case}; please report it."
            )
            return False
        try:
            got = fn(hs.copy(), W_hh.copy(), dh_T.copy())
        except Exception as exc:  # noqa: BLE001 - any crash is a wrong answer
            problems.append(f"{case}: raised {type(exc).__name__}: {exc}")
            n_wrong += 1
            continue
        if got is None:
            problems.append(
                f"{case}: returned None (is the function body still the stub?)"
            )
            n_wrong += 1
            continue
        msg = _compare("dh", got, dh_auto, case)
        if msg:
            n_wrong += 1
            problems.append(msg)
            got = _to_numpy(got)
            if is_real(got) and got.shape == dh_auto.shape:
                for slip, hint in _slips(hs, W_hh, dh_T):
                    if _rel(got, slip) < RTOL:
                        hints.append(hint)
                if _rel(got[::-1], dh_auto) < RTOL:
                    hints.append(
                        "hint: your rows are in reverse order; dh[t] must be "
                        "dL/dh_t, so dh[T] is dh_T and dh[0] is dL/dh_0."
                    )
    return _verdict(
        problems,
        n_wrong,
        hints,
        n_cases,
        what,
        "the product of Jacobians and torch autograd",
    )


# ----------------------------------------------------- clipping by global norm


def reference_clip_by_global_norm(grads, max_norm):
    """New arrays a_i · min(1, max_norm / n), n = sqrt(Σ ‖a_i‖²).

    The grader's reference.
    """
    total = float(np.sqrt(sum(float(np.sum(a * a)) for a in grads)))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return [a * scale for a in grads]


def _clip_slips(grads, max_norm):
    per_array = []
    for g in grads:
        n = float(np.linalg.norm(g))
        per_array.append(g * (min(1.0, max_norm / n) if n > 0 else 1.0))
    total = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))
    return [
        (
            per_array,
            "hint: you clipped each array by its own norm; the global norm "
            "is sqrt(Σ_i ‖g_i‖²) over all arrays together, and every array "
            "gets the same factor, so the direction of the whole gradient is "
            "kept.",
        ),
        (
            [np.clip(g, -max_norm, max_norm) for g in grads],
            "hint: that is clipping by value (each component to [-c, c]); "
            "clipping by norm rescales the whole gradient instead.",
        ),
        (
            [g * (max_norm / total) for g in grads] if total > 0 else None,
            "hint: a gradient whose global norm is already at most max_norm "
            "must be left as it is (the factor is min(1, max_norm / n)).",
        ),
    ]


def _clip_cases(rng, n_cases):
    """(shapes, gradient scale, max_norm) of the cases.

    Short and long gradients, one array and several.
    """
    fixed = [
        ([(3, 4), (4,)], 10.0, 1.0),  # long: clipped
        ([(2, 3), (3,)], 0.05, 1.0),  # short: unchanged
        ([(5,)], 3.0, 0.5),  # a single array
        ([(4, 4), (4, 2), (4,), (2,)], 1.0, 2.5),
    ]
    out = fixed[:n_cases]
    while len(out) < n_cases:
        n = int(rng.integers(1, 5))
        shapes = [
            tuple(
                int(s)
                for s in rng.integers(1, 6, size=int(rng.integers(1, 3)))
            )
            for _ in range(n)
        ]
        out.append(
            (
                shapes,
                float(10 ** rng.uniform(-1.5, 1.5)),
                float(rng.uniform(0.5, 5)),
            )
        )
    return out


@graded
def check_clip_by_global_norm(fn, *, seed: int = 0, n_cases: int = 8) -> bool:
    """Grade ``fn(grads, max_norm) -> clipped`` (see the module docstring).

    Every case draws a list of float64 arrays of several shapes, some with a
    global norm above ``max_norm`` and some below, calls ``fn`` on copies and
    compares the result with the reference (relative error at most 1e-5). It
    also checks that the inputs were not modified. Returns True when every case
    matches.
    """
    rng = np.random.default_rng(seed)
    what = "your clipping by global norm"
    problems, hints, n_wrong = [], [], 0
    for shapes, scale, max_norm in _clip_cases(rng, n_cases):
        grads = [rng.normal(0, scale, s) for s in shapes]
        total = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))
        case = (
            f"{len(grads)} array(s) of shapes {[tuple(s) for s in shapes]}, "
            f"global norm {total:.3g}, max_norm {max_norm:g}"
        )
        want = reference_clip_by_global_norm(grads, max_norm)
        inputs = [g.copy() for g in grads]
        try:
            got = fn(inputs, max_norm)
        except Exception as exc:  # noqa: BLE001 - any crash is a wrong answer
            problems.append(f"{case}: raised {type(exc).__name__}: {exc}")
            n_wrong += 1
            continue
        if got is None:
            problems.append(
                f"{case}: returned None (is the function body still the stub?)"
            )
            n_wrong += 1
            continue
        if not isinstance(got, (list, tuple)) or len(got) != len(grads):
            problems.append(
                f"{case}: should return a list of {len(grads)} arrays, got "
                f"{_describe(got)}"
                + (
                    f" of length {len(got)}"
                    if isinstance(got, (list, tuple))
                    else ""
                )
            )
            n_wrong += 1
            continue
        msgs = [
            _compare(f"clipped[{i}]", g, w, case, RTOL_CLIP)
            for i, (g, w) in enumerate(zip(got, want))
        ]
        msgs = [m for m in msgs if m]
        values_wrong = bool(msgs)
        if not msgs and any(
            not np.array_equal(a, b) for a, b in zip(inputs, grads)
        ):
            msgs.append(
                f"{case}: the input arrays were modified; return new arrays "
                "instead"
            )
        if msgs:
            n_wrong += 1
            problems += msgs[:1]
        # the slips explain wrong values only, never a correct answer
        if values_wrong:
            got_np = [_to_numpy(g) for g in got]
            for slip, hint in _clip_slips(grads, max_norm):
                if slip is None:
                    continue
                if all(
                    is_real(g)
                    and g.shape == s.shape
                    and _rel(g, s) < RTOL_CLIP
                    for g, s in zip(got_np, slip)
                ):
                    hints.append(hint)
    return _verdict(
        problems,
        n_wrong,
        hints,
        n_cases,
        what,
        "a_i · min(1, max_norm / sqrt(Σ‖a_i‖²))",
    )
