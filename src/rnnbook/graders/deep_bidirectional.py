"""Graders for the exercises of the chapter "Deep and bidirectional RNNs"
(``book/deep_bidirectional``).

``check_bidirectional(fn)``
    ``fn(x, forward_layer, backward_layer) -> output`` builds the output of one
    bidirectional layer from two *unidirectional* one-layer modules
    (``torch.nn.RNN``, ``LSTM`` or ``GRU``, or their :mod:`rnnbook.torch`
    twins), for a time-major input ``x`` of shape (T, B, D):

        →h = forward_layer(x)                      (reads x_1, ..., x_T)
        ←h = R backward_layer(R x)                 (reads x_T, ..., x_1)
        output[t] = [→h_t ; ←h_t]                  (T, B, 2H)

    with R the reversal of the time axis, (R x)_t = x_{T+1-t}. The reference
    is ``torch.nn`` with ``bidirectional=True`` and the two modules' weights
    (Schuster and Paliwal 1997).

``check_bidirectional_padded(fn)``
    ``fn(x, lengths, forward_layer, backward_layer) -> output`` does the same
    for a padded batch: sequence b has ``lengths[b]`` real steps followed by
    padding with arbitrary values. The backward direction must start at the
    last *real* step of every sequence, and the output is zero at padded
    positions. The reference is ``torch.nn`` on a ``PackedSequence``
    (``pack_padded_sequence`` ... ``pad_packed_sequence``).

Both graders draw random problems (the three cells, float64 and float32,
T != B so that time and batch cannot be confused, T >= 2 so that a missing
reversal shows), call ``fn`` on copies, and print a verdict that says what
was expected and what came back. A wrong answer that equals one of the
usual slips gets a hint that names it:

- the backward outputs concatenated in the order they were computed,
  without being put back into time order (the bug of d2l's from-scratch
  bidirectional RNN until 2022, d2l-ai/d2l-en issue #2306);
- the backward layer run on the unreversed input;
- the backward layer's output reversed but not its input;
- the reversal applied to the batch or the feature axis instead of time;
- the two halves concatenated in the wrong order, [←h ; →h];
- (padded) the whole padded tensor reversed, so that the backward
  direction starts on the padding; padded positions left non-zero.

They return True or False; a wrong or crashing answer is reported, never
raised.
"""

from __future__ import annotations

import torch
from torch import nn
from ._grading import describe as _describe, graded, verdict as _verdict

__all__ = [
    "check_bidirectional",
    "check_bidirectional_padded",
    "bidirectional_variant",
    "VARIANTS",
    "padded_variant",
    "PADDED_VARIANTS",
]

_CELLS = ("RNN", "LSTM", "GRU")


def _run(layer, x):
    """The per-step outputs of a one-layer module (any cell), (T, B, H)."""
    return layer(x)[0]


# ---------------------------------------------------------------- the variants


def bidirectional_variant(x, forward_layer, backward_layer, variant="right"):
    """One bidirectional layer, built right or with one of the usual slips.

    ``variant`` is one of ``"right"`` and the keys of :data:`VARIANTS`.
    """
    f = _run(forward_layer, x)
    if variant == "right":
        b = _run(backward_layer, x.flip(0)).flip(0)
    elif variant == "no flip back":
        b = _run(backward_layer, x.flip(0))
    elif variant == "no flip":
        b = _run(backward_layer, x)
    elif variant == "output flipped only":
        b = _run(backward_layer, x).flip(0)
    elif variant == "batch axis":
        b = _run(backward_layer, x.flip(1)).flip(1)
    elif variant == "feature axis":
        b = _run(backward_layer, x.flip(2)).flip(2)
    elif variant == "halves swapped":
        b = _run(backward_layer, x.flip(0)).flip(0)
        return torch.cat([b, f], dim=2)
    else:
        raise ValueError(f"unknown variant {variant!r}")
    return torch.cat([f, b], dim=2)


#: name -> hint shown to the reader when the answer equals that variant
VARIANTS = {
    "no flip back": (
        "the backward outputs are still in the order they were computed. Run "
        "on the reversed input, the backward layer's first output is its "
        "state after reading x_T alone and its last after reading the whole "
        "sequence, so position t holds the wrong state: it should be the one "
        "that has read x_T down to x_t. Flip them back along time (dim 0) "
        "before concatenating. This is the bug that d2l's from-scratch "
        "bidirectional RNN had (d2l-ai/d2l-en issue #2306)."
    ),
    "no flip": (
        "your backward layer read the sequence forwards: it was given x "
        "unreversed. Reverse the input along time (dim 0), run the layer, and "
        "reverse its output back."
    ),
    "output flipped only": (
        "you reversed the backward layer's output but not its input, so it "
        "read the sequence forwards. Reverse the input along time (dim 0) as "
        "well."
    ),
    "batch axis": (
        "you reversed dim 1, which is the batch in the time-major layout (T, "
        "B, D). Time is dim 0."
    ),
    "feature axis": (
        "you reversed the last dim, the features. Time is dim 0 in the layout "
        "(T, B, D)."
    ),
    "halves swapped": (
        "the two halves are in the wrong order. torch.nn puts the forward "
        "direction first: output[t] = [forward h_t ; backward h_t]."
    ),
}


def _reverse_padded(x, lengths):
    """Reverse every sequence within its own length; padding stays where it is.

    The permutation is its own inverse, so the same call puts outputs back.
    """
    T = x.size(0)
    t = torch.arange(T).unsqueeze(1)  # (T, 1)
    n = torch.as_tensor(lengths).unsqueeze(
        0
    )  # (1, B): real steps per sequence
    idx = torch.where(t < n, n - 1 - t, t)  # (T, B)
    idx = idx.view(T, -1, *([1] * (x.dim() - 2))).expand_as(x)
    return x.gather(0, idx)


def _mask(lengths, T, like):
    t = torch.arange(T).unsqueeze(1)
    return (
        (t < torch.as_tensor(lengths).unsqueeze(0)).to(like.dtype).unsqueeze(2)
    )


def padded_variant(x, lengths, forward_layer, backward_layer, variant="right"):
    """One bidirectional layer on a padded batch, right or with a usual slip.

    ``variant`` is one of ``"right"`` and the keys of :data:`PADDED_VARIANTS`.
    """
    T = x.size(0)
    m = _mask(lengths, T, x)
    f = _run(forward_layer, x)
    if variant in ("right", "no mask"):
        b = _reverse_padded(
            _run(backward_layer, _reverse_padded(x, lengths)), lengths
        )
    elif variant == "whole tensor flipped":
        b = _run(backward_layer, x.flip(0)).flip(0)
    elif variant == "no flip back":
        b = _run(backward_layer, _reverse_padded(x, lengths))
    else:
        raise ValueError(f"unknown variant {variant!r}")
    out = torch.cat([f, b], dim=2)
    return out if variant == "no mask" else out * m


PADDED_VARIANTS = {
    "whole tensor flipped": (
        "you reversed the whole padded tensor, so for every sequence shorter "
        "than T the backward direction first read the padding and only then "
        "the real steps, last to first. Reverse each sequence within its own "
        "length: step t < n goes to n - 1 - t, with n = lengths[b]; padding "
        "stays."
    ),
    "no flip back": (
        "the backward outputs are still in the order they were computed: "
        "reverse them back (within each sequence's length) before "
        "concatenating. This is the bug that d2l's from-scratch bidirectional "
        "RNN had (d2l-ai/d2l-en issue #2306)."
    ),
    "no mask": (
        "the real steps are right, but the output at padded positions (t >= "
        "length) should be zero, as pad_packed_sequence gives."
    ),
}


# ------------------------------------------------------------------ helpers


def _as_tensor(a):
    """Accept a NumPy array of numbers as well as a tensor; else unchanged."""
    import numpy as np

    if isinstance(a, np.ndarray):
        try:
            return torch.from_numpy(a)
        except TypeError:  # object, string arrays: reported as such
            return a
    return a


def _make_case(c, gen):
    """A random problem.

    The cell, sizes, dtype, the two layers and torch.nn's reference.
    """
    cell = _CELLS[c % 3]
    dtype = torch.float32 if c % 4 == 3 else torch.float64
    T = int(torch.randint(4, 9, (1,), generator=gen))
    B = int(torch.randint(2, 4, (1,), generator=gen))
    D = int(torch.randint(2, 5, (1,), generator=gen))
    H = int(torch.randint(2, 5, (1,), generator=gen))
    if H == D:
        H += 1
    if B == T:  # never let time and batch have one size
        T += 1
    cls = getattr(nn, cell)
    fwd, bwd = cls(D, H).to(dtype), cls(D, H).to(dtype)
    ref = cls(D, H, bidirectional=True).to(dtype)
    with torch.no_grad():
        for layer in (fwd, bwd):
            for p in layer.parameters():
                p.copy_(torch.empty_like(p).uniform_(-0.8, 0.8, generator=gen))
        for name, p in fwd.named_parameters():
            getattr(ref, name).copy_(p)
            getattr(ref, name + "_reverse").copy_(getattr(bwd, name))
    x = torch.randn(T, B, D, generator=gen, dtype=torch.float64).to(dtype)
    tol = 1e-5 if dtype == torch.float32 else 1e-10
    return cell, dtype, T, B, D, H, fwd, bwd, ref, x, tol


def _compare(got, want, dtype, case, tol):
    """None if right, else a message.

    Checked: type, shape, finiteness, largest error, dtype.
    """
    got = _as_tensor(got)
    if isinstance(got, (tuple, list)):
        return (
            f"{case}: expected the output alone, a tensor of shape "
            f"{tuple(want.shape)}, got a {type(got).__name__} of length "
            f"{len(got)}"
        )
    if not isinstance(got, torch.Tensor):
        return (
            f"{case}: expected a tensor of shape {tuple(want.shape)} and "
            f"dtype {dtype}, got {_describe(got)}"
        )
    if not (got.is_floating_point() and got.device.type == "cpu"):
        return (
            f"{case}: expected a float tensor on the CPU of shape "
            f"{tuple(want.shape)} and dtype {dtype}, got {_describe(got)}"
        )
    got = got.detach()
    if tuple(got.shape) != tuple(want.shape):
        return (
            f"{case}: the output should have shape (T, B, 2H) = "
            f"{tuple(want.shape)}, got {tuple(got.shape)}"
        )
    if not torch.isfinite(got).all():
        return f"{case}: the output contains NaN or inf"
    err = float((got.double() - want.double()).abs().max())
    if got.dtype != dtype:
        return (
            f"{case}: the output should keep the input dtype {dtype}, got "
            f"{got.dtype} (max abs error {err:.3g})"
        )
    return err if err > tol else None


def _locate(got, want, H, lengths=None):
    """Where the largest error is: time step, batch element, which half."""
    diff = (got.double() - want.double()).abs()
    t, b, j = (int(i) for i in torch.nonzero(diff == diff.max())[0])
    half = "forward" if j < H else "backward"
    where = f"at t={t}, batch {b}, feature {j} ({half} half)"
    if lengths is not None:
        where += f", length of that sequence {int(lengths[b])}"
    return (
        where
        + f": expected {float(want[t, b, j]):.6g}, "
        + f"got {float(got[t, b, j]):.6g}"
    )


# ----------------------------------------------------------------- the graders


@graded
def check_bidirectional(fn, *, seed: int = 0, n_cases: int = 6) -> bool:
    """Grade ``fn(x, forward_layer, backward_layer) -> output``.

    ``x`` is (T, B, D), time-major; the two layers are one-layer,
    unidirectional ``torch.nn`` modules of one cell type (RNN, LSTM or GRU)
    with random weights; ``output`` must be (T, B, 2H) and equal to the
    output of a ``torch.nn`` layer with ``bidirectional=True`` whose forward
    weights are ``forward_layer``'s and whose ``_reverse`` weights are
    ``backward_layer``'s (to 1e-10 in float64, 1e-5 in float32).
    """
    gen = torch.Generator().manual_seed(seed)
    problems, hinted = [], set()
    for c in range(n_cases):
        cell, dtype, T, B, D, H, fwd, bwd, ref, x, tol = _make_case(c, gen)
        case = (
            f"case {c + 1} ({cell}, T={T}, B={B}, D={D}, H={H}, "
            f"{str(dtype)[6:]})"
        )
        with torch.no_grad():
            want = ref(x)[0]
        try:
            with torch.no_grad():
                got = fn(x.clone(), fwd, bwd)
        except Exception as exc:  # noqa: BLE001 - report, never raise
            problems.append(
                f"{case}: your function raised {type(exc).__name__}: {exc}"
            )
            continue
        result = _compare(got, want, dtype, case, tol)
        if result is None:
            continue
        if isinstance(result, str):
            problems.append(result)
            continue
        got = _as_tensor(got).detach()
        hint = ""
        with torch.no_grad():
            for name, text in VARIANTS.items():
                alt = bidirectional_variant(x, fwd, bwd, name)
                if float((got.double() - alt.double()).abs().max()) <= tol:
                    hint = (
                        f" Hint: {text}"
                        if name not in hinted
                        else f" (again: {name})"
                    )
                    hinted.add(name)
                    break
        problems.append(
            f"{case}: max abs error {result:.3g} (tolerance {tol:g}), "
            f"{_locate(got, want, H)}.{hint}"
        )
    return _verdict(
        problems,
        n_cases,
        "your bidirectional output",
        reference="torch.nn's bidirectional layer",
    )


@graded
def check_bidirectional_padded(fn, *, seed: int = 0, n_cases: int = 6) -> bool:
    """Grade ``fn(x, lengths, forward_layer, backward_layer)`` on padding.

    ``lengths`` is a 1-D int64 tensor with the number of real steps of every
    sequence (between 1 and T, one of them equal to T); the steps after them
    hold random values. ``output`` must be (T, B, 2H), equal to torch.nn's
    bidirectional layer run on the packed batch at the real steps, and zero
    at the padded ones.
    """
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    gen = torch.Generator().manual_seed(seed)
    problems, hinted = [], set()
    for c in range(n_cases):
        cell, dtype, T, B, D, H, fwd, bwd, ref, x, tol = _make_case(c, gen)
        B = max(B, 3)
        x = torch.randn(T, B, D, generator=gen, dtype=torch.float64).to(dtype)
        lengths = torch.randint(1, T, (B,), generator=gen)
        lengths[int(torch.randint(B, (1,), generator=gen))] = (
            T  # one full-length sequence
        )
        case = (
            f"case {c + 1} ({cell}, T={T}, B={B}, D={D}, H={H}, "
            f"{str(dtype)[6:]}, lengths {lengths.tolist()})"
        )
        with torch.no_grad():
            packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
            want = pad_packed_sequence(ref(packed)[0], total_length=T)[0]
        try:
            with torch.no_grad():
                got = fn(x.clone(), lengths.clone(), fwd, bwd)
        except Exception as exc:  # noqa: BLE001 - report, never raise
            problems.append(
                f"{case}: your function raised {type(exc).__name__}: {exc}"
            )
            continue
        result = _compare(got, want, dtype, case, tol)
        if result is None:
            continue
        if isinstance(result, str):
            problems.append(result)
            continue
        got = _as_tensor(got).detach()
        hint = ""
        with torch.no_grad():
            for name, text in PADDED_VARIANTS.items():
                alt = padded_variant(x, lengths, fwd, bwd, name)
                if float((got.double() - alt.double()).abs().max()) <= tol:
                    hint = (
                        f" Hint: {text}"
                        if name not in hinted
                        else f" (again: {name})"
                    )
                    hinted.add(name)
                    break
        problems.append(
            f"{case}: max abs error {result:.3g} (tolerance {tol:g}), "
            f"{_locate(got, want, H, lengths)}.{hint}"
        )
    return _verdict(
        problems,
        n_cases,
        "your padded bidirectional output",
        reference="torch.nn's bidirectional layer",
    )
