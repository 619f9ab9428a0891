"""Exercise graders of "Character-level language models" (``book/char_lm``).

``check_sequential_batches(fn)``
    ``fn(ids, batch_size, seq_len)`` returns (or yields) the ``(x, y)`` batches
    of :func:`rnnbook.charlm.sequential_batches` with ``drop_last=True``: the
    text cut into ``batch_size`` streams of L = (N − 1) // B characters, read
    ``seq_len`` at a time, time-major (T, B), ``y`` the next characters.
``check_sample_next(fn)``
    ``fn(logits, rng, temperature, top_k)`` draws one id from logits (V,):
    greedy (argmax) at temperature 0, else from softmax(logits / temperature)
    restricted to the ``top_k`` largest logits (``None``: all). Checked by
    drawing many ids and comparing the frequencies with the distribution.
``check_softmax_cross_entropy(fn)``
    ``fn(logits, targets) -> (loss, dlogits)``: the mean cross-entropy of
    integer targets (N,) under logits (N, V), in nats, and its gradient
    (softmax(logits) − one_hot(targets)) / N, checked against PyTorch's
    ``cross_entropy`` and autograd, also for logits in the thousands.

Each returns True or False and prints a verdict; a wrong or crashing answer is
reported, never raised.
"""

from __future__ import annotations

import numpy as np

from ..charlm import sequential_batches
from ._grading import (describe, graded, is_real, one_number, to_numpy,
                       verdict)

__all__ = ["check_sequential_batches", "check_sample_next",
           "check_softmax_cross_entropy"]


def _one_id(a):
    """``a`` as an int, or None if it is not one integer id."""
    if isinstance(a, (list, tuple)):
        try:
            a = np.asarray(a)
        except (TypeError, ValueError, RuntimeError):
            return None
    number = one_number(a)
    if number is None or not float(number).is_integer():
        return None
    return int(number)


@graded
def check_sequential_batches(fn) -> bool:
    """Grade ``fn(ids, batch_size, seq_len)`` against sequential batches."""
    rng = np.random.default_rng(15)
    sizes = ((101, 4, 5), (37, 3, 4), (64, 1, 7), (250, 8, 6), (41, 5, 8))
    cases = [(rng.integers(0, 30, size=n), B, T) for n, B, T in sizes]
    problems = []
    for ids, B, T in cases:
        want = list(sequential_batches(ids, B, T))
        try:
            got = list(fn(ids.copy(), B, T))
        except Exception as exc:  # noqa: BLE001 - reported as a verdict
            problems.append(f"N = {len(ids)}, B = {B}, T = {T}: raised "
                            f"{type(exc).__name__}: {exc}")
            continue
        where = f"N = {len(ids)}, B = {B}, T = {T}"
        if len(got) != len(want):
            problems.append(f"{where}: {len(got)} batches, expected "
                            f"{len(want)} (L = (N - 1) // B = "
                            f"{(len(ids) - 1) // B} characters per stream, "
                            f"{T} at a time, a last incomplete batch dropped)")
            continue
        for k, (pair, (wx, wy)) in enumerate(zip(got, want)):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                problems.append(f"{where}: batch {k} is {describe(pair)}, "
                                "expected a pair (x, y)")
                break
            gx, gy = (to_numpy(a) for a in pair)
            if (is_real(gx) and gx.shape == wx.T.shape
                    and np.array_equal(gx, wx.T)):
                problems.append(f"{where}: batch {k} is batch-major; the "
                                "book's batches are time-major, (T, B)")
                break
            arrays = is_real(gx) and is_real(gy)
            if not arrays or gx.shape != wx.shape or gy.shape != wy.shape:
                problems.append(f"{where}: batch {k} is ({describe(gx)}, "
                                f"{describe(gy)}), expected two integer "
                                f"arrays of shape {wx.shape} (T, B)")
                break
            if not np.array_equal(gx, wx):
                hint = ""
                if np.array_equal(gx.T.ravel(),
                                  ids[k * T * B:(k + 1) * T * B]):
                    hint = (" (your batch k is characters k·T·B .. "
                            "(k+1)·T·B − 1 of the text: consecutive columns, "
                            "not B streams far apart)")
                problems.append(f"{where}: x of batch {k} differs from the "
                                "expected one" + hint)
                break
            if not np.array_equal(gy, wy):
                problems.append(f"{where}: y of batch {k} is not the "
                                "character after each x")
                break
    return verdict(problems, len(cases), "your sequential batches",
                   reference="rnnbook.charlm.sequential_batches")


def _p_tau(logits, temperature, top_k):
    z = logits / temperature
    if top_k is not None:
        z = np.where(z >= np.sort(z)[-top_k], z, -np.inf)
    p = np.exp(z - z.max())
    return p / p.sum()


@graded
def check_sample_next(fn, n: int = 4000) -> bool:
    """Grade ``fn(logits, rng, temperature, top_k)``.

    By the frequencies of ``n`` draws.
    """
    rng = np.random.default_rng(15)
    logits = rng.normal(0, 1.5, size=7)
    cases = [(0.0, None), (1.0, None), (0.5, None), (2.0, None), (1.0, 3),
             (0.7, 2)]
    problems = []
    for temperature, top_k in cases:
        where = f"temperature {temperature}, top_k {top_k}"
        draw_rng = np.random.default_rng(0)
        try:
            draws = [to_numpy(fn(logits.copy(), draw_rng, temperature, top_k))
                     for _ in range(1 if temperature == 0 else n)]
        except Exception as exc:  # noqa: BLE001 - reported as a verdict
            problems.append(f"{where}: raised {type(exc).__name__}: {exc}")
            continue
        ids = [_one_id(d) for d in draws]
        if None in ids:
            bad = draws[ids.index(None)]
            problems.append(f"{where}: returned {describe(bad)}, "
                            "expected one integer id (an int)")
            continue
        ids = np.array(ids)
        if temperature == 0:
            if ids[0] != np.argmax(logits):
                problems.append(f"{where}: greedy decoding should return the "
                                f"argmax {np.argmax(logits)}, got {ids[0]}")
            continue
        if ids.min() < 0 or ids.max() >= len(logits):
            problems.append(f"{where}: ids outside [0, {len(logits) - 1}]")
            continue
        p = _p_tau(logits, temperature, top_k)
        freq = np.bincount(ids, minlength=len(logits)) / n
        if top_k is not None and np.any(freq[p == 0] > 0):
            problems.append(f"{where}: drew ids outside the {top_k} "
                            "largest logits")
            continue
        se = np.sqrt(p * (1 - p) / n) + 1e-12
        if np.max(np.abs(freq - p) / se) > 5:
            hint = ""
            if np.max(np.abs(freq - _p_tau(logits * temperature**2,
                                           temperature, top_k)) / se) < 5:
                hint = (" (it matches softmax(logits * temperature): "
                        "divide by it)")
            problems.append(f"{where}: the frequencies "
                            f"{freq.round(3).tolist()} differ from "
                            f"softmax(logits / T) {p.round(3).tolist()}"
                            + hint)
    return verdict(problems, len(cases), "your sampler",
                   reference="the distribution")


@graded
def check_softmax_cross_entropy(fn) -> bool:
    """Grade ``fn(logits, targets) -> (loss, dlogits)`` against PyTorch."""
    import torch

    rng = np.random.default_rng(15)
    cases = [(rng.normal(size=(6, 5)), rng.integers(0, 5, 6)),
             (rng.normal(size=(1, 3)), np.array([2])),
             (rng.normal(size=(40, 27)) * 3, rng.integers(0, 27, 40)),
             (rng.normal(size=(8, 65)) * 1000, rng.integers(0, 65, 8))]
    problems = []
    for logits, targets in cases:
        where = f"logits {logits.shape}" + (" in the thousands" if
                                            np.abs(logits).max() > 100 else "")
        t = torch.tensor(logits, requires_grad=True)
        ref = torch.nn.functional.cross_entropy(t, torch.from_numpy(targets))
        ref.backward()
        want_loss, want_grad = ref.item(), t.grad.numpy()
        try:
            out = fn(logits.copy(), targets.copy())
            loss, grad = out
        except Exception as exc:  # noqa: BLE001 - reported as a verdict
            problems.append(f"{where}: raised or did not return a pair "
                            f"({type(exc).__name__}: {exc})")
            continue
        grad = to_numpy(grad)
        number = one_number(loss)
        if number is None:
            problems.append(f"{where}: loss is {describe(to_numpy(loss))}, "
                            "expected a number (a float)")
            continue
        loss = float(number)
        if not np.isfinite(loss):
            hint = ("subtract the largest logit of each row before exp "
                    "(log-sum-exp)" if np.abs(logits).max() > 100 else
                    f"expected {want_loss:.6g}")
            problems.append(f"{where}: loss is {loss}; {hint}")
            continue
        if abs(loss - want_loss) > 1e-8 * max(1.0, abs(want_loss)):
            hint = ""
            if (abs(loss - want_loss * len(targets))
                    < 1e-6 * max(1, abs(want_loss))):
                hint = (" (that is the sum; the loss is the mean over the "
                        "N rows)")
            problems.append(f"{where}: loss {loss:.6g}, "
                            f"expected {want_loss:.6g}" + hint)
            continue
        if not is_real(grad) or grad.shape != logits.shape:
            problems.append(f"{where}: dlogits is {describe(grad)}, "
                            f"expected shape {logits.shape}")
            continue
        err = float(np.max(np.abs(grad - want_grad)))
        if not err < 1e-8:
            hint = ""
            if np.allclose(grad, want_grad * len(targets)):
                hint = (" (it is N times too large: divide by the number "
                        "of rows)")
            elif np.allclose(grad, -want_grad):
                hint = " (the sign is wrong: softmax minus one-hot)"
            problems.append(f"{where}: dlogits off by up to {err:.2e}" + hint)
    return verdict(problems, len(cases), "your loss and gradient",
                   reference="torch.nn.functional.cross_entropy and autograd")
