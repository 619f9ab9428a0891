"""Graders for the exercises of the chapter "The recurrent neural network".

The chapter is ``book/rnn``.

``check_rnn_step(fn)``
    ``fn(x_t, h_prev, W_ih, W_hh, b_ih, b_hh) -> h_t`` is the reader's one step
    of the simple (Elman) RNN,

        z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh,    h_t = tanh(z_t),

    on a batch: ``x_t`` (B, D) and ``h_prev`` (B, H) hold one example per row,
    ``W_ih`` (H, D), ``W_hh`` (H, H), ``b_ih`` (H,), ``b_hh`` (H,) have the
    layout of ``torch.nn.RNN``. It must return ``h_t`` (B, H).

``check_rnn_forward(fn)``
    ``fn(x, h0, W_ih, W_hh, b_ih, b_hh) -> (y, h_T)`` runs that step over a
    time-major sequence ``x`` (T, B, D) from ``h0`` (B, H) and returns every
    state ``y`` (T, B, H), ``y[i] = h_{i+1}``, and the last one ``h_T`` (B, H).

Both graders draw random float64 problems with D != H (so that a transposed
matrix cannot pass by accident), B = 1 among them, call ``fn`` on copies of
the arrays, and compare with :func:`rnnbook.numpy.rnn_cell_forward` and
:func:`rnnbook.numpy.rnn_forward` (largest absolute error at most 1e-10; the
states lie in (-1, 1)). They print a verdict naming what was expected and what
came back (type, shape, dtype, largest error), recognise a few common slips
(no tanh, a missing bias, ``h_prev @ W_hh`` without the transpose, a state
that is not carried from step to step) and return True or False. A wrong or
crashing answer is reported, never raised.
"""

from __future__ import annotations

import numpy as np
from ._grading import (
    describe as _describe,
    graded,
    is_real,
    to_numpy as _as_array,
)

__all__ = ["check_rnn_step", "check_rnn_forward"]

# float64 answers agree to ~1e-16; anything above this is a real difference
ATOL = 1e-10


# ------------------------------------------------------------------ helpers


def _problem(rng, T, B, D, H):
    """Random float64 inputs and weights, scaled so tanh is unsaturated."""
    return dict(
        x=rng.normal(size=(T, B, D)),
        h0=rng.uniform(-0.9, 0.9, size=(B, H)),
        W_ih=rng.normal(0, 0.5, (H, D)),
        W_hh=rng.normal(0, 0.5, (H, H)),
        b_ih=rng.normal(0, 0.3, H),
        b_hh=rng.normal(0, 0.3, H),
    )


def _params(p):
    return {
        "weight_ih": p["W_ih"],
        "weight_hh": p["W_hh"],
        "bias_ih": p["b_ih"],
        "bias_hh": p["b_hh"],
    }


def _compare(name, got, want, case) -> str | None:
    """None if ``got`` equals ``want``, else what differs.

    Compared: type, shape, dtype float64 and values.
    """
    got = _as_array(got)
    if got is None:
        return f"{case}: {name} is None (is the function body still the stub?)"
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
    err = float(np.max(np.abs(got - want))) if got.size else 0.0
    if err > ATOL:
        idx = np.unravel_index(int(np.argmax(np.abs(got - want))), want.shape)
        return (
            f"{case}: {name} has max abs error {err:.3g} (at index "
            f"{tuple(map(int, idx))}: expected {want[idx]:.6f}, got "
            f"{got[idx]:.6f})"
        )
    return None


def _matches(got, want) -> bool:
    got = _as_array(got)
    return (
        is_real(got)
        and got.shape == want.shape
        and bool(np.all(np.isfinite(got)))
        and float(np.max(np.abs(got - want))) <= 1e-8
    )


def _step_slips(p, x_t, h_prev):
    """h_t as a few common wrong answers compute it, with the hint for each."""
    W_ih, W_hh, b_ih, b_hh = p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"]
    z = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh
    return [
        (z, "your h_t equals z_t: apply the activation, h_t = tanh(z_t)."),
        (
            np.maximum(z, 0),
            "your h_t equals relu(z_t); this exercise (and torch.nn.RNN's "
            "default) uses tanh.",
        ),
        (
            np.tanh(x_t @ W_ih.T + b_ih + h_prev @ W_hh + b_hh),
            "W_hh is used untransposed: with one example per row, W_hh "
            "h_{t-1} is h_prev @ W_hh.T.",
        ),
        (
            np.tanh(x_t @ W_ih.T + h_prev @ W_hh.T + b_hh),
            "b_ih is missing from z_t.",
        ),
        (
            np.tanh(x_t @ W_ih.T + b_ih + h_prev @ W_hh.T),
            "b_hh is missing from z_t " "(PyTorch adds both biases).",
        ),
        (
            np.tanh(x_t @ W_ih.T + b_ih + b_hh),
            "h_prev is ignored: z_t must include " "W_hh h_{t-1}.",
        ),
    ]


def _call(fn, args, case, problems):
    """Call ``fn`` on copies.

    A crash is recorded in ``problems``, and then None is returned.
    """
    try:
        return fn(*(a.copy() for a in args)), True
    except Exception as exc:  # noqa: BLE001 - any crash is a wrong answer
        problems.append(f"{case}: raised {type(exc).__name__}: {exc}")
        return None, False


def _verdict(problems, hints, n_cases, what, reference) -> bool:
    if problems:
        # problems are "case: message"; show each distinct message once, with
        # its cases
        by_message: dict[str, list[str]] = {}
        for p in problems:
            case, message = p.split(": ", 1)
            by_message.setdefault(message, []).append(case)
        n_bad = len({c for cases in by_message.values() for c in cases})
        print(
            f"not yet: {what} is wrong on {n_bad} of {n_cases} random cases."
        )
        for message, cases in list(by_message.items())[:3]:
            more = f" (and {len(cases) - 1} more)" if len(cases) > 1 else ""
            print(f"  - {cases[0]}{more}: {message}")
        for h in dict.fromkeys(hints):  # unique, in order
            print("  hint:", h)
        return False
    print(
        f"correct: {what} matches {reference} on all {n_cases} random cases "
        f"(max abs error <= {ATOL:g})."
    )
    return True


# ------------------------------------------------------------------ graders

_STEP_CASES = [(1, 3, 4), (4, 3, 5), (2, 6, 2), (3, 1, 7)]  # (B, D, H)
# (T, B, D, H)
_SEQ_CASES = [(1, 2, 3, 4), (5, 1, 3, 4), (6, 3, 2, 5), (4, 2, 5, 3)]


@graded
def check_rnn_step(fn, *, seed: int = 0) -> bool:
    """Grade ``fn(x_t, h_prev, W_ih, W_hh, b_ih, b_hh) -> h_t``.

    See the module docstring.

    Returns True when ``fn`` matches :func:`rnnbook.numpy.rnn_cell_forward`
    on every random case, else prints what is wrong and returns False.
    """
    from rnnbook.numpy import rnn_cell_forward

    rng = np.random.default_rng(seed)
    problems, hints = [], []
    for B, D, H in _STEP_CASES:
        case = f"B={B}, D={D}, H={H}"
        p = _problem(rng, 1, B, D, H)
        x_t, h_prev = p["x"][0], p["h0"]
        want, _ = rnn_cell_forward(x_t, h_prev, _params(p))
        got, ok = _call(
            fn,
            (x_t, h_prev, p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"]),
            case,
            problems,
        )
        if not ok:
            continue
        if isinstance(got, tuple):
            problems.append(
                f"{case}: should return h_t alone, got a tuple of {len(got)}"
            )
            continue
        msg = _compare("h_t", got, want, case)
        if msg:
            problems.append(msg)
            hints += [
                h
                for slip, h in _step_slips(p, x_t, h_prev)
                if _matches(got, slip)
            ]
    return _verdict(
        problems,
        hints,
        len(_STEP_CASES),
        "your RNN step",
        "rnnbook.numpy.rnn_cell_forward",
    )


@graded
def check_rnn_forward(fn, *, seed: int = 0) -> bool:
    """Grade ``fn(x, h0, W_ih, W_hh, b_ih, b_hh) -> (y, h_T)``.

    See the module docstring.

    Returns True when ``fn`` matches :func:`rnnbook.numpy.rnn_forward` on every
    random case (T = 1 and B = 1 included), else prints what is wrong and
    returns False.
    """
    from rnnbook.numpy import rnn_forward

    rng = np.random.default_rng(seed)
    problems, hints = [], []
    for T, B, D, H in _SEQ_CASES:
        case = f"T={T}, B={B}, D={D}, H={H}"
        p = _problem(rng, T, B, D, H)
        y_ref, hT_ref, _ = rnn_forward(p["x"], p["h0"], _params(p))
        out, ok = _call(
            fn,
            (p["x"], p["h0"], p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"]),
            case,
            problems,
        )
        if not ok:
            continue
        if out is None:
            problems.append(
                f"{case}: returned None (is the function body still the stub?)"
            )
            continue
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            problems.append(
                f"{case}: should return a pair (y, h_T), got {_describe(out)}"
            )
            continue
        y, h_T = (_as_array(o) for o in out)
        msgs = [
            m
            for m in (
                _compare("y", y, y_ref, case),
                _compare("h_T", h_T, hT_ref, case),
            )
            if m
        ]
        problems += msgs
        if not msgs:
            continue
        # Recognise the classic slips of the loop.
        if _matches(y, np.concatenate([p["h0"][None], y_ref[:-1]])):
            hints.append(
                "y is shifted by one step: y[i] must be h_{i+1}, the state "
                "computed at step i (not the state before it); h_0 is not "
                "part of y."
            )
        fresh = np.tanh(
            p["x"] @ p["W_ih"].T
            + p["b_ih"]
            + p["h0"] @ p["W_hh"].T
            + p["b_hh"]
        )
        if T > 1 and _matches(y, fresh):
            hints.append(
                "every step starts from h0: carry the state, h = step(x[t], "
                "h, ...)."
            )
        if _matches(y, rnn_forward(p["x"], None, _params(p))[0]):
            hints.append(
                "h0 is ignored: the first step must start from the given h0, "
                "not from zeros."
            )
        if (
            _matches(y, y_ref)
            and isinstance(h_T, np.ndarray)
            and _matches(h_T, y_ref[0])
        ):
            hints.append("h_T must be the last state, y[-1], not the first.")
    return _verdict(
        problems,
        hints,
        len(_SEQ_CASES),
        "your RNN forward",
        "rnnbook.numpy.rnn_forward",
    )
