"""Graders for the exercises of the chapter "Sentiment analysis of movie
reviews".

``check_build_vocab(fn)``
    ``fn(token_lists, max_size) -> itos`` is the reader's vocabulary: a list of
    at most ``max_size`` tokens, ``"<pad>"`` at id 0, ``"<unk>"`` at id 1, then
    the most frequent tokens of ``token_lists`` by decreasing count, ties in
    alphabetical order. The reference is ``rnnbook.text.Vocab(token_lists,
    max_size=max_size).itos``.
``check_masked_pooling(fn)``
    ``fn(out, lengths) -> s`` pools the outputs ``out`` (T, B, H) of a
    recurrent layer over the valid steps of each sequence, t < lengths[b]:

        s_b = [max_t out[t, b] ; (1 / T_b) Σ_t out[t, b]]      shape (B, 2H)

    (the ``"max_mean"`` summary of
    :class:`rnnbook.sentiment.RecurrentClassifier`). The reference loops over
    b in NumPy.

Each grader draws random problems, calls ``fn`` on copies, prints a verdict
that says what was expected and what came back, and gives a hint for the
usual slips (padding counted in the max or the mean, the two halves swapped,
the special tokens forgotten or ordered wrongly). It returns True or False;
a wrong or crashing answer is reported, never raised.
"""

from __future__ import annotations

import copy

import numpy as np

from ..text import Vocab
from ._grading import describe, graded, is_real, to_numpy, verdict

__all__ = ["check_build_vocab", "check_masked_pooling",
           "masked_pooling_reference"]


def masked_pooling_reference(out: np.ndarray,
                             lengths: np.ndarray) -> np.ndarray:
    """[max ; mean] over the first lengths[b] steps of out[:, b], (B, 2H)."""
    return np.stack([np.concatenate([out[:n, b].max(0), out[:n, b].mean(0)])
                     for b, n in enumerate(lengths)])


def _pooling_slip(got: np.ndarray, out: np.ndarray,
                  lengths: np.ndarray) -> str:
    H = out.shape[2]
    whole = np.concatenate([out.max(0), out.mean(0)], axis=1)
    if np.allclose(got, whole):
        return ("it pools over all T steps: the padding after each "
                "sequence's end counts")
    ref = masked_pooling_reference(out, lengths)
    if np.allclose(got, np.concatenate([ref[:, H:], ref[:, :H]], axis=1)):
        return "the halves are swapped: the max comes first, then the mean"
    if np.allclose(got[:, :H], ref[:, :H]):
        return ("the max is right, the mean is not: divide by lengths[b], "
                "not by T")
    if np.allclose(got[:, H:], ref[:, H:]):
        return ("the mean is right, the max is not: padded steps must not "
                "win the max (outputs can be negative, so a zero pad can)")
    return ""


@graded
def check_masked_pooling(fn, *, n_cases: int = 6, seed: int = 0) -> bool:
    """Grade ``fn(out, lengths) -> (B, 2H)``, out a (T, B, H) tensor,
    lengths (B,)."""
    import torch

    rng = np.random.default_rng(seed)
    problems = []
    for case in range(n_cases):
        T, B, H = (int(rng.integers(lo, hi))
                   for lo, hi in ((3, 9), (2, 6), (2, 5)))
        lengths = rng.integers(1, T + 1, size=B)
        lengths[0] = T
        # mostly negative: pads bite
        out = rng.standard_normal((T, B, H)) - 0.5
        for b, n in enumerate(lengths):
            out[n:, b] = 0.0                # what pad_packed_sequence gives
        want = masked_pooling_reference(out, lengths)
        try:
            got = to_numpy(fn(torch.from_numpy(out.copy()),
                              torch.from_numpy(lengths.copy())))
        except Exception as exc:  # noqa: BLE001 - reported as a verdict
            problems.append(f"case {case}: it raised "
                            f"{type(exc).__name__}: {exc}")
            continue
        if not isinstance(got, np.ndarray):
            problems.append(f"case {case}: expected a float array or tensor "
                            f"of shape {want.shape}, got {describe(got)}")
            continue
        if got.shape != want.shape:
            problems.append(f"case {case} (T={T}, B={B}, H={H}): expected "
                            f"shape {want.shape}, got {describe(got)}")
            continue
        if not is_real(got):
            problems.append(f"case {case}: expected real numbers (a float "
                            f"array or tensor), got {describe(got)}")
            continue
        if not np.allclose(got, want, rtol=1e-6, atol=1e-8):
            err = float(np.max(np.abs(got - want)))
            hint = _pooling_slip(got, out, lengths)
            problems.append(f"case {case}: largest error {err:.3g}"
                            + (f"; {hint}" if hint else ""))
    return verdict(problems, n_cases, "masked max-and-mean pooling",
                   reference="the loop over each sequence's valid steps")


def _vocab_slip(got: list, want: list, token_lists,
                max_size: int) -> str:
    if got[:2] != ["<pad>", "<unk>"]:
        return ("ids 0 and 1 must be '<pad>' and '<unk>', in that order, "
                "both present")
    if len(got) == len(want) + 2 and got[2:2 + len(want) - 2] == want[2:]:
        return "max_size counts the two special tokens too"
    if sorted(got[2:]) == sorted(want[2:]):
        return ("the right tokens in another order: by decreasing count, "
                "and ties in alphabetical order "
                "(sorted(..., key=lambda t: (-count[t], t)))")
    return ""


@graded
def check_build_vocab(fn, *, n_cases: int = 5, seed: int = 0) -> bool:
    """Grade ``fn(token_lists, max_size) -> list of tokens`` (id -> token)."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(12)] + ["good", "bad", "not", "!"]
    problems = []
    for case in range(n_cases):
        token_lists = [list(rng.choice(words, size=int(rng.integers(1, 9))))
                       for _ in range(int(rng.integers(3, 8)))]
        token_lists = [[str(t) for t in doc] for doc in token_lists]
        max_size = int(rng.integers(4, 12))
        want = Vocab(token_lists, max_size=max_size).itos
        try:
            got = fn(copy.deepcopy(token_lists), max_size)
        except Exception as exc:  # noqa: BLE001 - reported as a verdict
            problems.append(f"case {case}: it raised "
                            f"{type(exc).__name__}: {exc}")
            continue
        if (not isinstance(got, (list, tuple))
                or not all(isinstance(t, str) for t in got)):
            problems.append(f"case {case}: expected a list of str tokens, "
                            f"got {describe(got)}")
            continue
        got = list(got)
        if got != want:
            hint = _vocab_slip(got, want, token_lists, max_size)
            problems.append(f"case {case} (max_size={max_size}): "
                            f"expected {want}, got {got}"
                            + (f"; {hint}" if hint else ""))
    return verdict(problems, n_cases, "the vocabulary",
                   reference="rnnbook.text.Vocab")
