"""Graders for the exercises of the chapter "Time-series forecasting".

The chapter is ``book/time_series``; the references are :mod:`rnnbook.series`
and :mod:`rnnbook.forecast`.

``check_moving_average(fn)``
    ``fn(series, times, window) -> forecast``: for every t in ``times`` the
    mean of the ``window`` values x_{t-window}, ..., x_{t-1}, shape (n,).
``check_smoothed_differenced(fn)``
    ``fn(series, times) -> forecast``: the course's "differencing plus smoothed
    past", the centred mean of x_{t-370}, ..., x_{t-360} plus the mean of the
    30 differenced values dx_{t-30}, ..., dx_{t-1}, dx_s = x_s - x_{s-365}.
``check_gaussian_mae(fn)``
    ``fn(noise_level) -> float``: E|eps| for eps ~ N(0, noise_level^2).
``check_recursive_forecast(fn)``
    ``fn(step, windows, horizon) -> (B, horizon)``: ``step`` maps windows
    (B, m) to one-step forecasts (B,); each forecast is appended to the window
    (the oldest value dropped) before the next step.

Each grader calls the reader's function on random inputs, compares it with the
reference, prints a verdict and returns True or False; a wrong or crashing
answer is reported, never raised.
"""

from __future__ import annotations

import math

import numpy as np

from ..series import moving_average_forecast, smoothed_differenced_forecast
from ._grading import (describe, graded, one_number, to_numpy,
                       verdict)

__all__ = [
    "check_moving_average", "check_smoothed_differenced", "check_gaussian_mae",
    "check_recursive_forecast",
]


def _compare(got, want, case: str, problems: list[str]) -> None:
    got = to_numpy(got)
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "fiu":
        problems.append(f"{case}: expected an array of shape {want.shape}, "
                        f"got {describe(got)}")
        return
    if got.shape != want.shape:
        problems.append(
            f"{case}: expected shape {want.shape}, got {got.shape}")
        return
    err = float(np.max(np.abs(got - want)))
    if not err <= 1e-8 * (1 + float(np.max(np.abs(want)))):
        i = int(np.argmax(np.abs(got - want)))
        problems.append(
            f"{case}: largest difference {err:.3g} at position {i} "
            f"(got {got.flat[i]:.4g}, expected {want.flat[i]:.4g})")


_RAISED = object()


def _call(fn, args, case: str, problems: list[str]):
    """The reader's answer, or ``_RAISED`` (and a problem) if ``fn`` raised."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - a verdict, never a traceback
        problems.append(
            f"{case}: your function raised {type(exc).__name__}: {exc}")
        return _RAISED


@graded
def check_moving_average(fn) -> bool:
    """Grade ``fn(series, times, window)`` against the trailing mean."""
    rng = np.random.default_rng(0)
    problems, n_cases = [], 0
    for window in (1, 3, 30):
        series = rng.normal(size=120).cumsum()
        times = (np.arange(window, 120) if window != 3
                 else np.array([5, 50, 119]))
        case = f"window={window}, times {times[0]}..{times[-1]}"
        n_cases += 1
        got = _call(fn, (series, times, window), case, problems)
        if got is not _RAISED:
            want = moving_average_forecast(series, times, window)
            _compare(got, want, case, problems)
    ok = verdict(problems, n_cases, "the moving-average forecast",
                 reference="rnnbook.series.moving_average_forecast")
    if any("difference" in p for p in problems):
        print("  hint: the forecast of x_t averages x_{t-window}, ..., "
              "x_{t-1}, not x_t itself, which it has not seen yet")
    return ok


@graded
def check_smoothed_differenced(fn) -> bool:
    """Grade ``fn(series, times)`` against the smoothed differencing.

    The reference is the course's "differencing plus smoothed past".
    """
    rng = np.random.default_rng(1)
    problems, n_cases = [], 0
    for n, times in ((500, np.arange(400, 500)),
                     (900, np.array([395, 700, 894]))):
        series = (5 * rng.normal(size=n)
                  + np.sin(np.arange(n) * 2 * np.pi / 365) * 40)
        case = f"series of {n} values, times {times[0]}..{times[-1]}"
        n_cases += 1
        got = _call(fn, (series, times), case, problems)
        if got is not _RAISED:
            _compare(got, smoothed_differenced_forecast(series, times),
                     case, problems)
    return verdict(problems, n_cases,
                   "the differencing plus smoothed past forecast",
                   reference="rnnbook.series.smoothed_differenced_forecast")


@graded
def check_gaussian_mae(fn) -> bool:
    """Grade ``fn(noise_level)`` against noise_level * sqrt(2 / pi)."""
    problems = []
    levels = (0.0, 1.0, 5.0, 0.3)
    for level in levels:
        case = f"noise_level={level}"
        got = _call(fn, (level,), case, problems)
        if got is _RAISED:
            continue
        number = one_number(got)
        if number is None:
            problems.append(f"{case}: expected a number (a float), got "
                            f"{describe(got)}")
            continue
        got = float(number)
        want = level * math.sqrt(2 / math.pi)
        if not abs(got - want) <= 1e-9 * (1 + want):
            hint = ""
            if level and abs(got - level) < 1e-9:
                hint = " (that is the standard deviation, not the mean |eps|)"
            elif (level
                  and abs(got - level * math.sqrt(2 / math.pi) ** 2) < 1e-9):
                hint = " (check the square root)"
            problems.append(
                f"{case}: got {got:.6g}, expected {want:.6g}{hint}")
    return verdict(problems, len(levels),
                   "the expected absolute Gaussian error",
                   reference="noise_level * sqrt(2 / pi)")


def _recursive(step, windows, horizon):
    window = np.array(windows, dtype=float)
    out = []
    for _ in range(horizon):
        y_hat = np.asarray(step(window), dtype=float)      # (B,)
        out.append(y_hat)
        window = np.concatenate([window[:, 1:], y_hat[:, None]], axis=1)
    return np.stack(out, axis=1)                           # (B, horizon)


@graded
def check_recursive_forecast(fn) -> bool:
    """Grade ``fn(step, windows, horizon)`` against feeding forecasts back."""
    rng = np.random.default_rng(2)
    problems, n_cases = [], 0
    for B, m, horizon in ((4, 5, 1), (3, 6, 7), (2, 3, 10)):
        weights = rng.normal(size=m) / m

        # a linear one-step forecaster
        def step(window, weights=weights):
            window = np.asarray(window, dtype=float)
            if window.ndim != 2 or window.shape[1] != len(weights):
                raise ValueError(f"step expects windows (B, {len(weights)}), "
                                 f"got shape {window.shape}")
            return window @ weights + 0.1

        windows = rng.normal(size=(B, m))
        case = f"B={B}, m={m}, horizon={horizon}"
        n_cases += 1
        got = _call(fn, (step, windows.copy(), horizon), case, problems)
        if got is not _RAISED:
            _compare(got, _recursive(step, windows, horizon), case, problems)
    return verdict(problems, n_cases, "the recursive multi-step forecast",
                   reference="a one-step forecaster fed its own forecasts")
