"""Graders for the exercises of the chapter "Long short-term memory"
(``book/lstm``).

``check_lstm_step(fn)``
    ``fn(x_t, h_prev, c_prev, params) -> (h_t, c_t)`` computes one LSTM step in
    NumPy, with the parameters in the layout of a one-layer ``torch.nn.LSTM``
    (``weight_ih`` (4H, D), ``weight_hh`` (4H, H), ``bias_ih`` and ``bias_hh``
    (4H,), gate blocks stacked in the order i, f, g, o). The reference is
    :func:`rnnbook.numpy.lstm.lstm_cell_forward`.
``check_forget_bias(fn)``
    ``fn(lstm, value)`` changes a ``torch.nn.LSTM`` in place so that the
    *effective* forget-gate bias, the forget slice of ``bias_ih + bias_hh``,
    equals ``value`` in every layer (and direction), and leaves everything else
    (the other gate slices of the summed bias and all weights) as it was. This
    is the initialisation of Jozefowicz, Zaremba and Sutskever (2015) with
    ``value = 1``; the trap is that ``torch.nn.LSTM`` has two biases.

Each grader calls the reader's function on random inputs, compares it with the
reference, prints a verdict that says what was expected and what came back
(type, shape, dtype, largest error) and returns True or False. A wrong or
crashing answer is reported, never raised.
"""

from __future__ import annotations

import numpy as np
from ._grading import describe as _describe, graded, verdict as _verdict

__all__ = ["check_lstm_step", "check_forget_bias"]


# ------------------------------------------------------------------ helpers


def _compare(name, got, want, case, rtol) -> str | None:
    """None if ``got`` matches ``want``, else a message.

    Compared: type, shape, dtype and values.
    """
    if not isinstance(got, np.ndarray):
        return (
            f"{case}: {name} should be {_describe(want)}, got {_describe(got)}"
        )
    if got.shape != want.shape:
        return (
            f"{case}: {name} should have shape {want.shape}, "
            f"got shape {got.shape}"
        )
    if got.dtype != want.dtype:
        return (
            f"{case}: {name} should keep the input dtype {want.dtype}, "
            f"got {got.dtype}"
        )
    if not np.all(np.isfinite(got)):
        return f"{case}: {name} contains NaN or inf"
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
    scale = max(1.0, float(np.max(np.abs(want))))
    err = float(np.max(diff)) if diff.size else 0.0
    if err > rtol * scale:
        idx = np.unravel_index(int(np.argmax(diff)), want.shape)
        return (
            f"{case}: {name} has max abs error {err:.3g} (tolerance "
            f"{rtol * scale:.1g}; largest at index {tuple(map(int, idx))}: "
            f"expected {want[idx].item():.6g}, got {got[idx].item():.6g})"
        )
    return None


# ------------------------------------------------------------------ graders


@graded
def check_lstm_step(fn, *, seed: int = 0, n_cases: int = 6) -> bool:
    """Grade ``fn(x_t, h_prev, c_prev, params) -> (h_t, c_t)``, one LSTM step.

    Cases use random sizes B, D, H, float64 and float32, nonzero states and
    biases (so that a missing bias, a swapped gate block or a missing tanh all
    show), and compare with :func:`rnnbook.numpy.lstm.lstm_cell_forward`
    to a relative tolerance of 1e-10 (float64) or 1e-5 (float32). The inputs
    the reader receives are copies, so modifying them in place is harmless.
    """
    from rnnbook.numpy.lstm import lstm_cell_forward

    rng = np.random.default_rng(seed)
    problems = []
    for c in range(n_cases):
        B, D, H = (int(v) for v in rng.integers(1, 7, size=3))
        dtype = np.float32 if c % 3 == 2 else np.float64
        rtol = 1e-5 if dtype == np.float32 else 1e-10

        def r(*shape, scale=1.0):
            return (scale * rng.standard_normal(shape)).astype(dtype)

        params = {
            "weight_ih": r(4 * H, D, scale=0.7),
            "weight_hh": r(4 * H, H, scale=0.7),
            "bias_ih": r(4 * H, scale=0.5),
            "bias_hh": r(4 * H, scale=0.5),
        }
        x, h0, c0 = r(B, D), r(B, H), r(B, H)
        case = f"case {c + 1} (B={B}, D={D}, H={H}, {np.dtype(dtype).name})"
        (h_ref, c_ref), _ = lstm_cell_forward(x, (h0, c0), params)
        try:
            out = fn(
                x.copy(),
                h0.copy(),
                c0.copy(),
                {k: v.copy() for k, v in params.items()},
            )
        except Exception as exc:  # noqa: BLE001 - report, never raise
            problems.append(
                f"{case}: your function raised {type(exc).__name__}: {exc}"
            )
            continue
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            if isinstance(out, (tuple, list)):
                got = f"a sequence of length {len(out)}"
            else:
                got = _describe(out)
            problems.append(
                f"{case}: expected a pair (h_t, c_t) of arrays of shape "
                f"{(B, H)}, got {got}"
            )
            continue
        h, cc = out
        if (
            _compare("h_t", cc, h_ref, case, rtol) is None
            and _compare("c_t", h, c_ref, case, rtol) is None
        ):
            problems.append(
                f"{case}: the values are right but in the wrong order; return "
                "(h_t, c_t), not (c_t, h_t)"
            )
            continue
        for name, got, want in (("c_t", cc, c_ref), ("h_t", h, h_ref)):
            msg = _compare(name, got, want, case, rtol)
            if msg:
                problems.append(msg)
                break
    return _verdict(problems, n_cases, "your LSTM step (h_t, c_t)")


def _after_check(lstm, before, case) -> str | None:
    """What the reader's change broke for training.

    Checked: dtypes, gradients, and a forward and backward pass.
    """
    import torch

    for name, p in lstm.named_parameters():
        if p.dtype != before[name].dtype:
            return (
                f"{case}: {name} changed dtype from {before[name].dtype} to "
                f"{p.dtype} (.double()?); keep the dtype: assign the values "
                "in place, p[H:2 * H] = value"
            )
        if not (p.requires_grad and p.is_leaf):
            return (
                f"{case}: {name} no longer has requires_grad=True as a leaf, "
                "so it would not be trained; change the values inside "
                "torch.no_grad() instead of turning gradients off"
            )
    try:
        x = torch.randn(
            4, 2, lstm.input_size, dtype=before["weight_ih_l0"].dtype
        )
        lstm.zero_grad()
        lstm(x)[0].sum().backward()
    except Exception as exc:  # noqa: BLE001 - report, never raise
        return (
            f"{case}: after your function a forward and backward pass of the "
            f"LSTM fails: {type(exc).__name__}: {exc}"
        )
    missing = [n for n, p in lstm.named_parameters() if p.grad is None]
    if missing:
        return f"{case}: after your function {missing} receive no gradient"
    return None


@graded
def check_forget_bias(fn, *, seed: int = 0) -> bool:
    """Grade ``fn(lstm, value)``, which sets the forget-gate bias in place.

    Cases: a one-layer LSTM with value 1.0, a two-layer bidirectional LSTM
    with value 2.5, and a one-layer LSTM with value -1.0. After ``fn`` the
    forget slice ``[H:2H]`` of ``bias_ih + bias_hh`` must equal ``value`` in
    every layer and direction, the other slices of the sum must be unchanged,
    and every weight matrix must be unchanged.

    ``fn`` runs as it is used, with gradients enabled (so an in-place change of
    a parameter outside ``torch.no_grad()`` fails here as it would in a
    notebook), and the LSTM must still train afterwards: same dtypes,
    parameters that require gradients, and a working forward and backward pass.
    """
    import torch

    cases = [
        dict(D=3, H=4, num_layers=1, bidirectional=False, value=1.0),
        dict(D=5, H=3, num_layers=2, bidirectional=True, value=2.5),
        dict(D=2, H=6, num_layers=1, bidirectional=False, value=-1.0),
    ]
    problems = []
    for c, spec in enumerate(cases):
        torch.manual_seed(seed + c)
        value = spec.pop("value")
        lstm = torch.nn.LSTM(
            spec["D"],
            spec["H"],
            num_layers=spec["num_layers"],
            bidirectional=spec["bidirectional"],
        )
        H = spec["H"]
        case = (
            f"case {c + 1} (H={H}, num_layers={spec['num_layers']}, "
            f"bidirectional={spec['bidirectional']}, value={value})"
        )
        before = {k: v.detach().clone() for k, v in lstm.named_parameters()}
        try:
            with torch.enable_grad():
                fn(lstm, value)
        except Exception as exc:  # noqa: BLE001 - report, never raise
            hint = ""
            if "leaf Variable that requires grad" in str(exc):
                hint = (
                    " (change parameters in place inside "
                    "`with torch.no_grad():`)"
                )
            problems.append(
                f"{case}: your function raised {type(exc).__name__}: "
                f"{exc}{hint}"
            )
            continue
        after = {k: v.detach().double() for k, v in lstm.named_parameters()}
        if set(after) != set(before):
            problems.append(
                f"{case}: the parameter names changed: {sorted(after)}"
            )
            continue
        msg = _after_check(lstm, before, case)
        before = {k: v.double() for k, v in before.items()}
        for name, w in after.items():
            if (
                msg is None
                and name.startswith("weight")
                and not torch.equal(w, before[name])
            ):
                msg = f"{case}: {name} changed; only the biases should"
        if msg is None:
            for name in after:
                if not name.startswith("bias_ih"):
                    continue
                suffix = name[len("bias_ih") :]
                total = after[name] + after["bias_hh" + suffix]
                total0 = before[name] + before["bias_hh" + suffix]
                forget = total[H : 2 * H]
                if not torch.allclose(
                    forget, torch.full_like(forget, value), atol=1e-6
                ):
                    msg = (
                        f"{case}: the forget slice [H:2H] of bias_ih{suffix} "
                        f"+ bias_hh{suffix} should be {value} everywhere, got "
                        f"values from {forget.min().item():.4g} to "
                        f"{forget.max().item():.4g}"
                    )
                    break
                others = torch.cat([total[:H], total[2 * H :]])
                others0 = torch.cat([total0[:H], total0[2 * H :]])
                if not torch.allclose(others, others0, atol=1e-6):
                    err = (others - others0).abs().max().item()
                    msg = (
                        f"{case}: the i, g and o slices of bias_ih{suffix} + "
                        f"bias_hh{suffix} changed (max change {err:.3g}); "
                        "leave them"
                    )
                    break
        if msg:
            problems.append(msg)
    return _verdict(problems, len(cases), "your forget-bias initialisation")
