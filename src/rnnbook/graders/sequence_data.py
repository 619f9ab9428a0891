"""Graders for the exercises of the chapter "Sequence data".

The chapter is ``book/sequence_data``.

``check_sliding_windows(fn)``
    ``fn(series, window, horizon=1) -> (X, y)`` turns one series of shape (T,)
    or (T, D) into a supervised data set: ``X[i] = series[i : i + window]`` and
    ``y[i] = series[i + window + horizon - 1]``, for every ``i`` with a target
    inside the series, ``n = T - window - horizon + 1`` rows in all, and a
    ``ValueError`` when ``n < 1``. This is the "windowed data set" of Moroney's
    course on time series.
``check_pad_batch(fn)``
    ``fn(seqs, pad_value=0) -> (padded, mask, lengths)`` pads a list of 1-D
    integer arrays of different lengths into one time-major array of shape
    (T_max, B), as ``torch.nn.utils.rnn.pad_sequence`` does with its default
    ``batch_first=False``; ``mask[t, b]`` is True where step ``t`` of sequence
    ``b`` is real and ``lengths`` holds the true lengths (int64).

Each grader calls the reader's function on random inputs, compares it with the
reference below, prints a verdict that names what was expected and what came
back (shape, dtype, largest difference) and returns True or False. A wrong or
crashing answer is reported, never raised.
"""

from __future__ import annotations

import numpy as np
from ._grading import describe as _describe, graded, verdict as _verdict

__all__ = ["check_sliding_windows", "check_pad_batch"]


# ------------------------------------------------------------------ references


def _sliding_windows(series, window, horizon=1):
    series = np.asarray(series)
    n = len(series) - window - horizon + 1
    if n < 1:
        raise ValueError("series too short for this window and horizon")
    X = np.stack(
        [series[i : i + window] for i in range(n)]
    )  # (N, window) or (N, window, D)
    y = series[
        window + horizon - 1 : window + horizon - 1 + n
    ]  # (N,) or (N, D)
    return X, y


def _pad_batch(seqs, pad_value=0):
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)  # (B,)
    T, B = int(lengths.max()), len(seqs)
    dtype = np.result_type(*[np.asarray(s).dtype for s in seqs])
    padded = np.full((T, B), pad_value, dtype=dtype)  # (T_max, B), time-major
    for b, s in enumerate(seqs):
        padded[: len(s), b] = s
    mask = np.arange(T)[:, None] < lengths[None, :]  # (T_max, B) bool
    return padded, mask, lengths


# ------------------------------------------------------------------ helpers


def _compare(name, got, want, case) -> str | None:
    """None if ``got`` equals ``want`` (shape, dtype kind, values).

    Otherwise a message that says what differs.
    """
    if not isinstance(got, np.ndarray):
        try:
            got = np.asarray(got)
        except Exception:  # noqa: BLE001 - unconvertible is simply wrong
            if isinstance(got, (list, tuple)):
                return (
                    f"{case}: {name} should be one array of shape "
                    f"{want.shape}, got a {type(got).__name__} of "
                    f"{len(got)} pieces of different lengths; pad them to "
                    f"the longest length, T_max = {want.shape[0]}"
                )
            return (
                f"{case}: {name} should be {_describe(want)}, "
                f"got {type(got).__name__}"
            )
    if got.shape != want.shape:
        return (
            f"{case}: {name} should have shape {want.shape}, "
            f"got shape {got.shape}"
        )
    if want.dtype == bool and got.dtype != bool:
        return f"{case}: {name} should have dtype bool, got {got.dtype}"
    if want.dtype.kind in "iu" and got.dtype != want.dtype:
        return (
            f"{case}: {name} should have the inputs' integer dtype "
            f"{want.dtype}, got {got.dtype}"
        )
    if want.dtype.kind == "f" and got.dtype != want.dtype:
        return (
            f"{case}: {name} should keep the series' dtype {want.dtype}, "
            f"got {got.dtype}"
        )
    if want.dtype.kind == "b":
        bad = int(np.sum(got != want))
        if bad:
            return (
                f"{case}: {name} differs from the expected mask in {bad} "
                f"of {want.size} entries"
            )
        return None
    err = (
        float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64))))
        if want.size
        else 0.0
    )
    if err > 0:
        diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
        idx = np.unravel_index(int(np.argmax(diff)), want.shape)
        return (
            f"{case}: {name} has max abs error {err:.3g} (largest at index "
            f"{tuple(map(int, idx))}: expected {want[idx].item():.4g}, "
            f"got {got[idx].item():.4g})"
        )
    return None


# ------------------------------------------------------------------ graders


@graded
def check_sliding_windows(fn, *, seed: int = 0, n_cases: int = 8) -> bool:
    """Grade ``fn(series, window, horizon=1) -> (X, y)`` against the reference.

    Cases mix 1-D series (T,) and 2-D series (T, D), float32 and float64,
    ``horizon=1`` passed implicitly and explicit horizons > 1; one more case
    is a series too short for a single window and target, which must raise
    ``ValueError``. Returns True when every case matches exactly (the windows
    are copies, not arithmetic).
    """
    rng = np.random.default_rng(seed)
    problems = []
    for c in range(n_cases):
        T = int(rng.integers(12, 40))
        window = int(rng.integers(1, 8))
        horizon = 1 if c % 2 == 0 else int(rng.integers(2, 5))
        dtype = np.float64 if c % 3 else np.float32
        shape = (T,) if c < n_cases // 2 else (T, int(rng.integers(2, 4)))
        series = rng.normal(size=shape).astype(dtype)
        case = f"series {shape}, window={window}, horizon={horizon}"
        X_ref, y_ref = _sliding_windows(series, window, horizon)
        try:
            out = (
                fn(series.copy(), window)
                if horizon == 1
                else fn(series.copy(), window, horizon)
            )
        except Exception as err:  # noqa: BLE001 - report, never raise
            problems.append(f"{case}: raised {type(err).__name__}: {err}")
            continue
        if not (isinstance(out, tuple) and len(out) == 2):
            problems.append(
                f"{case}: expected a tuple (X, y), got {_describe(out)}"
                + (f" of length {len(out)}" if isinstance(out, tuple) else "")
            )
            continue
        for name, got, want in (("X", out[0], X_ref), ("y", out[1], y_ref)):
            msg = _compare(name, got, want, case)
            if msg:
                problems.append(msg)
                break
    # A series too short for one window and its target: no data set, a
    # clear error.
    window, horizon = 5, 2
    short = rng.normal(size=window + horizon - 1)
    case = (
        f"series ({len(short)},), window={window}, horizon={horizon} "
        "(too short)"
    )
    try:
        out = fn(short.copy(), window, horizon)
    except ValueError:
        pass
    except Exception as err:  # noqa: BLE001 - report, never raise
        problems.append(
            f"{case}: should raise ValueError, "
            f"raised {type(err).__name__}: {err}"
        )
    else:
        problems.append(
            f"{case}: should raise ValueError (no window has a target), "
            f"returned {_describe(out)}"
        )
    return _verdict(problems, n_cases + 1, "sliding_windows")


@graded
def check_pad_batch(fn, *, seed: int = 0, n_cases: int = 8) -> bool:
    """Grade ``fn(seqs, pad_value=0) -> (padded, mask, lengths)``.

    The answer is compared with the reference. ``padded`` is time-major
    (T_max, B) with the inputs' integer dtype, ``mask`` is a boolean
    (T_max, B) array, ``lengths`` an integer (B,) array. In every case one
    real token equals ``pad_value`` (a padding id can occur in real data,
    e.g. token 0), so a mask computed as ``padded != pad_value`` fails.
    """
    rng = np.random.default_rng(seed)
    problems = []
    for c in range(n_cases):
        B = int(rng.integers(2, 7))
        lens = rng.integers(1, 12, size=B)
        seqs = [
            rng.integers(1, 50, size=int(n)).astype(np.int64) for n in lens
        ]
        pad_value = 0 if c % 2 == 0 else -1
        # a real token equal to the pad value
        seqs[int(rng.integers(B))][0] = pad_value
        case = f"lengths {lens.tolist()}, pad_value={pad_value}"
        refs = _pad_batch(seqs, pad_value)
        try:
            copies = [s.copy() for s in seqs]
            out = fn(copies) if pad_value == 0 else fn(copies, pad_value)
        except Exception as err:  # noqa: BLE001 - report, never raise
            problems.append(f"{case}: raised {type(err).__name__}: {err}")
            continue
        if not (isinstance(out, tuple) and len(out) == 3):
            problems.append(
                f"{case}: expected a tuple (padded, mask, lengths), "
                f"got {_describe(out)}"
            )
            continue
        for name, got, want in zip(("padded", "mask", "lengths"), out, refs):
            msg = _compare(name, got, want, case)
            if msg:
                if (
                    name == "padded"
                    and getattr(got, "shape", None) == want.shape[::-1]
                ):
                    msg += " (batch-major? the book is time-major: (T_max, B))"
                if (
                    name == "mask"
                    and _compare(name, got, refs[0] != pad_value, case) is None
                ):
                    msg += (
                        f" (a real token can equal pad_value={pad_value}: "
                        "build the mask from the lengths, not from the "
                        "values)"
                    )
                problems.append(msg)
                break
    return _verdict(problems, n_cases, "pad_batch")
