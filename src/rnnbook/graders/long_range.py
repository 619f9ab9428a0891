"""Graders for the exercises of the chapter "RNN, LSTM and GRU on long-range
dependencies" (``book/long_range``).

``check_adding_problem(fn)``
    ``fn(batch, length, generator) -> (x, y)`` draws a batch of the adding
    problem in the variant of Le, Jaitly and Hinton (2015), time-major, as
    :func:`rnnbook.tasks.adding_problem` does: ``x`` is a float32 tensor of
    shape (T, B, 2) whose channel 0 holds numbers drawn uniformly from [0, 1]
    and whose channel 1 is 1 at exactly two steps, one in the first half (t < T
    // 2) and one in the second half (t >= T // 2), and 0 elsewhere; ``y`` is a
    float32 tensor of shape (B,) holding the sum of the two marked numbers.
    Every random draw must come from ``generator`` (a ``torch.Generator``), so
    that one seed gives one batch. The grader uses even lengths only, where the
    two halves are unambiguous.
``check_count_params(fn)``
    ``fn(cell, input_size, hidden_size) -> int`` returns the number of
    parameters of a one-layer ``torch.nn.RNN``, ``LSTM`` or ``GRU`` (``cell``
    is ``"rnn"``, ``"lstm"`` or ``"gru"``), with PyTorch's two bias vectors.
    The reference is ``sum(p.numel() for p in layer.parameters())`` of the
    torch layer itself.

Each grader calls the reader's function, compares it with the reference, prints
a verdict that says what was expected and what came back, and returns True or
False. A wrong or crashing answer is reported, never raised.
"""

from __future__ import annotations

from ._grading import graded

__all__ = ["check_adding_problem", "check_count_params"]


def _verdict(problems, n_cases, what) -> bool:
    if problems:
        print(
            f"not yet: {len(problems)} of {n_cases} checks failed for {what}."
        )
        for p in problems[:4]:
            print("  -", p)
        return False
    print(f"correct: {what} passed all {n_cases} checks.")
    return True


def _describe(a) -> str:
    import torch

    if isinstance(a, torch.Tensor):
        return f"a tensor of shape {tuple(a.shape)}, dtype {a.dtype}"
    if a is None:
        return "None"
    shape = getattr(a, "shape", None)
    return f"a {type(a).__name__}" + (
        f" of shape {tuple(shape)}" if shape is not None else ""
    )


# ---------------------------------------------------------- the adding problem


def _check_adding_batch(x, y, B, T, case) -> str | None:
    """None if (x, y) is a valid adding-problem batch, else why not.

    The batch has size B and length T.
    """
    import torch

    if not isinstance(x, torch.Tensor) or not isinstance(y, torch.Tensor):
        return (
            f"{case}: x and y should be torch tensors, got x = {_describe(x)} "
            f"and y = {_describe(y)}"
        )
    if tuple(x.shape) != (T, B, 2):
        return (
            f"{case}: x should be time-major with shape (T, B, 2) = "
            f"{(T, B, 2)}, got {tuple(x.shape)}"
        )
    if tuple(y.shape) != (B,):
        return (
            f"{case}: y should have shape (B,) = {(B,)}, got {tuple(y.shape)}"
        )
    if x.dtype != torch.float32 or y.dtype != torch.float32:
        return (
            f"{case}: x and y should be float32, got x {x.dtype} and "
            f"y {y.dtype}"
        )
    if not (torch.isfinite(x).all() and torch.isfinite(y).all()):
        return f"{case}: x or y contains NaN or inf"
    values, marks = x[..., 0], x[..., 1]
    if values.min() < 0 or values.max() > 1:
        return (
            f"{case}: channel 0 should lie in [0, 1], got values from "
            f"{values.min().item():.3g} to {values.max().item():.3g}"
        )
    if not ((marks == 0) | (marks == 1)).all():
        return f"{case}: channel 1 (the marks) should hold only 0 and 1"
    per_seq = marks.sum(0)  # (B,)
    if not (per_seq == 2).all():
        bad = int((per_seq != 2).nonzero()[0, 0])
        return (
            f"{case}: every sequence needs exactly two marks; sequence {bad} "
            f"has {int(per_seq[bad].item())}"
        )
    half = T // 2
    first, second = marks[:half].sum(0), marks[half:].sum(0)
    if not ((first == 1) & (second == 1)).all():
        bad = int(((first != 1) | (second != 1)).nonzero()[0, 0])
        return (
            f"{case}: one mark must lie in the first half (t < {half}) and "
            f"one in the second (t >= {half}); sequence {bad} has "
            f"{int(first[bad].item())} and {int(second[bad].item())}"
        )
    want = (values * marks).sum(0)
    err = (y.double() - want.double()).abs().max().item()
    if err > 1e-5:
        b = int((y.double() - want.double()).abs().argmax())
        return (
            f"{case}: y should be the sum of the two marked numbers; max "
            f"error {err:.3g} (sequence {b}: expected {want[b].item():.5f}, "
            f"got {y[b].item():.5f})"
        )
    return None


def _uniform_problem(values) -> str | None:
    """None if ``values`` (many numbers) look drawn from U[0, 1], else why.

    U[0, 1] has mean 1/2, variance 1/12 and puts 1/10 of the numbers in every
    tenth of [0, 1]. With the 160,000 numbers of the large batch the standard
    errors are about 0.0007 (mean), 0.0002 (variance) and 0.0008 (a tenth's
    share), so the tolerances below are more than ten of them: a uniform
    generator passes whatever the seed, while constants, coin flips, a few
    levels or a sum of two uniforms fail.
    """
    import torch

    v = values.detach().double().flatten()
    n_distinct = len(torch.unique(v))
    mean, var = v.mean().item(), v.var().item()
    shares = torch.histc(v, bins=10, min=0.0, max=1.0) / v.numel()
    worst = (shares - 0.1).abs().max().item()
    if (
        n_distinct < 1000
        or abs(mean - 0.5) > 0.01
        or abs(var - 1 / 12) > 0.005
        or worst > 0.01
    ):
        return (
            "the numbers of channel 0 should be uniform on [0, 1] "
            "(torch.rand): mean 0.5, variance 1/12 = 0.0833, a tenth of them "
            f"in each tenth of [0, 1]; over {v.numel()} numbers got mean "
            f"{mean:.3f}, variance {var:.4f}, {n_distinct} distinct values, "
            f"shares of the tenths from {shares.min().item():.3f} to "
            f"{shares.max().item():.3f}"
        )
    return None


@graded
def check_adding_problem(fn, *, seed: int = 0) -> bool:
    """Grade ``fn(batch, length, generator) -> (x, y)``, the adding problem.

    Checks, on lengths 2, 6, 20 and 64: types, shapes (T, B, 2) and (B,),
    float32, values in [0, 1], marks that are 0 or 1 with exactly two per
    sequence, one per half, and targets equal to the marked sums. On a large
    batch it also checks that the values look uniform (many distinct values,
    mean near 1/2, variance near 1/12, an even spread over [0, 1]; see
    :func:`_uniform_problem`) and that the marks move: both marks take many
    different positions. Finally, that the same seed gives the
    same batch and another seed another batch, i.e. that every draw uses
    ``generator``.
    """
    import torch

    problems, n_checks = [], 0
    for c, (B, T) in enumerate([(3, 2), (5, 6), (16, 20), (8, 64)]):
        n_checks += 1
        case = f"case {c + 1} (batch={B}, length={T})"
        try:
            out = fn(B, T, torch.Generator().manual_seed(seed + c))
        except Exception as exc:  # noqa: BLE001 - report, never raise
            problems.append(
                f"{case}: your function raised {type(exc).__name__}: {exc}"
            )
            continue
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            problems.append(
                f"{case}: expected a pair (x, y), got {_describe(out)}"
            )
            continue
        msg = _check_adding_batch(*out, B, T, case)
        if msg:
            problems.append(msg)
    if problems:
        return _verdict(problems, n_checks, "your adding-problem generator")

    # statistics on a large batch: uniform values, marks spread over both
    # halves
    B, T = 4000, 40
    n_checks += 1
    try:
        x, y = fn(B, T, torch.Generator().manual_seed(seed + 100))
        msg = _check_adding_batch(
            x, y, B, T, f"large batch (batch={B}, length={T})"
        )
    except Exception as exc:  # noqa: BLE001
        x, msg = (
            None,
            f"large batch: your function raised {type(exc).__name__}: {exc}",
        )
    if msg:
        problems.append(msg)
    else:
        uniform = _uniform_problem(x[..., 0])
        pos = x[..., 1].nonzero()[:, 0]  # time index of every mark
        n_first, n_second = len(set(pos[pos < T // 2].tolist())), len(
            set(pos[pos >= T // 2].tolist())
        )
        if uniform:
            problems.append(f"large batch: {uniform}")
        elif n_first < T // 2 or n_second < T - T // 2:
            problems.append(
                "large batch: the marks should fall at random positions in "
                f"their half; over {B} sequences of length {T} the first mark "
                f"took {n_first} of {T // 2} positions and the second "
                f"{n_second} of {T - T // 2}"
            )
        elif abs(y.mean().item() - 1.0) > 0.03:
            problems.append(
                "large batch: the mean target should be near 1, got "
                f"{y.mean().item():.3f}"
            )

    # reproducibility: every draw from the generator
    n_checks += 1
    try:
        a = fn(8, 10, torch.Generator().manual_seed(seed + 7))
        b = fn(8, 10, torch.Generator().manual_seed(seed + 7))
        d = fn(8, 10, torch.Generator().manual_seed(seed + 8))
        same = all(torch.equal(u, v) for u, v in zip(a, b))
        differ = not all(torch.equal(u, v) for u, v in zip(a, d))
        if not same:
            problems.append(
                "reproducibility: two calls with generators seeded alike gave "
                "different batches; draw every random number from `generator` "
                "(e.g. torch.rand(..., generator=generator))"
            )
        elif not differ:
            problems.append(
                "reproducibility: generators with different seeds gave the "
                "same batch; the batch should be random"
            )
    except Exception as exc:  # noqa: BLE001
        problems.append(
            f"reproducibility: your function raised {type(exc).__name__}: "
            f"{exc}"
        )
    return _verdict(problems, n_checks, "your adding-problem generator")


# ------------------------------------------------------------ parameter counts


@graded
def check_count_params(fn) -> bool:
    """Grade ``fn(cell, input_size, hidden_size) -> int`` against torch.nn.

    Cases: each of ``"rnn"``, ``"lstm"``, ``"gru"`` with (D, H) in (1, 1),
    (2, 32), (5, 7) and (64, 128). The answer must be an integer (a Python or
    NumPy int) equal to the number of parameters of the one-layer ``torch.nn``
    layer.
    """
    import numbers

    import torch

    problems, n_checks = [], 0
    for cell in ("rnn", "lstm", "gru"):
        for D, H in ((1, 1), (2, 32), (5, 7), (64, 128)):
            n_checks += 1
            layer = getattr(torch.nn, cell.upper())(D, H)
            want = sum(p.numel() for p in layer.parameters())
            case = f"{cell}, input_size={D}, hidden_size={H}"
            try:
                got = fn(cell, D, H)
            except Exception as exc:  # noqa: BLE001 - report, never raise
                problems.append(
                    f"{case}: your function raised {type(exc).__name__}: {exc}"
                )
                continue
            if isinstance(got, bool) or not isinstance(got, numbers.Integral):
                problems.append(
                    f"{case}: expected an int ({want}), got {_describe(got)}"
                    + (f" = {got!r}" if isinstance(got, (int, float)) else "")
                )
            elif int(got) != want:
                problems.append(
                    f"{case}: expected {want} (torch.nn.{cell.upper()}), got "
                    f"{int(got)} (off by {int(got) - want:+d})"
                )
    return _verdict(problems, n_checks, "your parameter count")
