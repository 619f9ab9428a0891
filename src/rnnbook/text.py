"""From raw review text to padded, length-bucketed batches of token ids.

The pipeline of the sentiment chapter, one small function per step:

1. :func:`tokenize` removes the ``<br />`` markup of the IMDB reviews
   (Maas et al. 2011), lowercases, and splits words from punctuation. An
   apostrophe inside a word stays (``don't`` is one token), so that negations
   survive tokenisation.
2. :class:`Vocab` maps tokens to integer ids. It is built on the **training
   split only** (a word seen only in test data must be unknown to the model)
   and reserves two distinct ids::

       <pad> = 0   filler after the end of a short sequence, never a word
       <unk> = 1   any word outside the vocabulary

   d2l (Zhang et al. 2023) pads its IMDB reviews with the ``<unk>`` id, so a
   model cannot tell "an unknown word" from "no word at all"; here they differ.
   The V - 2 other tokens are the most frequent ones of the training split
   (count at least ``min_freq``), ordered by decreasing count, ties broken
   alphabetically, so the ids are the same in every process.
3. :func:`truncate` cuts a sequence to at most ``max_len`` ids, keeping its
   head, its tail, or both (the opening and the verdict of a review).
4. :func:`pad_batch` stacks sequences of lengths T_b into a time-major
   (T, B) tensor, T = max_b T_b, padded with ``<pad>``, plus the lengths (B,).
   ``torch.nn.utils.rnn.pack_padded_sequence`` then lets a recurrent layer skip
   the padding.
5. :func:`bucket_batches` groups reviews of similar length into one batch, so
   that little padding is needed: it shuffles, sorts within pools of
   ``pool`` batches, and shuffles the batches.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np
import torch

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1

_BR = re.compile(r"<br\s*/?>", flags=re.IGNORECASE)
# A word (letters or digits, with inner apostrophes: don't, 80's) or one
# punctuation character; whitespace separates and is dropped.
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*|[^\sa-z0-9]")


def tokenize(text: str) -> list[str]:
    """Lowercased word and punctuation tokens of ``text``, ``<br />`` removed.

    >>> tokenize("Not bad.<br /><br />I LIKED it, didn't you?")
    ['not', 'bad', '.', 'i', 'liked', 'it', ',', "didn't", 'you', '?']
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize expects a str, got {type(text).__name__}")
    return _TOKEN.findall(_BR.sub(" ", text).lower())


class Vocab:
    """Token <-> id maps: ``<pad>`` = 0, ``<unk>`` = 1, then tokens by
    frequency.

    Parameters
    ----------
    token_lists:
        Tokenised documents of the training split (lists of strings).
    max_size:
        Largest vocabulary size V, the two special tokens included (None: no
        cap).
    min_freq:
        Keep only tokens seen at least this many times.
    """

    def __init__(self, token_lists: Iterable[Sequence[str]], *,
                 max_size: int | None = None, min_freq: int = 1):
        if max_size is not None and max_size < 2:
            raise ValueError(
                f"max_size must be at least 2 (<pad> and <unk>), "
                f"got {max_size}")
        if min_freq < 1:
            raise ValueError(f"min_freq must be at least 1, got {min_freq}")
        counts = Counter()
        for tokens in token_lists:
            if isinstance(tokens, str):
                raise TypeError(
                    "Vocab expects lists of tokens; tokenize the texts first")
            counts.update(tokens)
        counts.pop(PAD, None)
        counts.pop(UNK, None)
        kept = sorted((t for t, c in counts.items() if c >= min_freq),
                      key=lambda t: (-counts[t], t))
        if max_size is not None:
            kept = kept[: max_size - 2]
        self.itos = [PAD, UNK] + kept
        self.stoi = {t: i for i, t in enumerate(self.itos)}
        self.counts = counts

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Ids of ``tokens``; a token outside the vocabulary gets
        ``UNK_ID``."""
        if isinstance(tokens, str):
            raise TypeError(
                "encode expects a list of tokens; call tokenize(text) first")
        return [self.stoi.get(t, UNK_ID) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens of ``ids`` (``<pad>`` included, if present)."""
        return [self.itos[int(i)] for i in ids]

    def coverage(self, token_lists: Iterable[Sequence[str]]) -> float:
        """Fraction of the tokens in ``token_lists`` that are in the
        vocabulary."""
        total = known = 0
        for tokens in token_lists:
            total += len(tokens)
            known += sum(t in self.stoi for t in tokens)
        return known / max(total, 1)


def truncate(ids: Sequence[int], max_len: int,
             keep: str = "head") -> list[int]:
    """At most ``max_len`` ids of ``ids``: the first (``"head"``), the last
    (``"tail"``), or the first ``max_len // 2`` and the last
    ``max_len - max_len // 2`` (``"both"``). A sequence no longer than
    ``max_len`` is returned whole."""
    if max_len < 1:
        raise ValueError(
            f"max_len must be a positive integer, got {max_len}")
    if keep not in ("head", "tail", "both"):
        raise ValueError(
            f"keep must be 'head', 'tail' or 'both', got {keep!r}")
    ids = list(ids)
    if len(ids) <= max_len:
        return ids
    if keep == "head":
        return ids[:max_len]
    if keep == "tail":
        return ids[-max_len:]
    first = max_len // 2
    return ids[:first] + ids[len(ids) - (max_len - first):]


def pad_batch(seqs: Sequence[Sequence[int]], pad_id: int = PAD_ID
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack id sequences into a time-major (T, B) LongTensor padded with
    ``pad_id``.

    Returns ``(ids, lengths)`` with ``ids[:lengths[b], b]`` the sequence b and
    ``T = max(lengths)``. Every sequence must hold at least one id (an empty
    one cannot be packed).
    """
    if len(seqs) == 0:
        raise ValueError("pad_batch needs at least one sequence")
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.long)
    if int(lengths.min()) < 1:
        raise ValueError(
            "every sequence must hold at least one token; got an empty one")
    T = int(lengths.max())
    ids = torch.full((T, len(seqs)), pad_id, dtype=torch.long)  # (T, B)
    for b, s in enumerate(seqs):
        ids[: len(s), b] = torch.as_tensor(s, dtype=torch.long)
    return ids, lengths


def bucket_batches(lengths: Sequence[int], batch_size: int, *,
                   shuffle: bool = True, pool: int = 50,
                   generator: np.random.Generator | None = None
                   ) -> list[np.ndarray]:
    """Split indices 0..n-1 into batches of reviews of similar length.

    Without shuffling, the indices are sorted by length and cut into batches
    (evaluation). With shuffling, they are shuffled, cut into pools of
    ``pool * batch_size``, sorted by length inside each pool and cut into
    batches, and the batches are shuffled: each epoch sees other batches, yet
    each batch needs little padding. Every index appears in exactly one batch.
    """
    if batch_size < 1:
        raise ValueError(
            f"batch_size must be a positive integer, got {batch_size}")
    lengths = np.asarray(lengths)
    n = len(lengths)
    if not shuffle:
        order = np.argsort(lengths, kind="stable")
        return [order[i:i + batch_size] for i in range(0, n, batch_size)]
    rng = generator if generator is not None else np.random.default_rng()
    perm = rng.permutation(n)
    span = pool * batch_size
    batches = []
    for start in range(0, n, span):
        chunk = perm[start:start + span]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i:i + batch_size]
                    for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def padding_fraction(lengths: Sequence[int],
                     batches: Sequence[np.ndarray]) -> float:
    """Fraction of the (T, B) positions of ``batches`` that are padding."""
    lengths = np.asarray(lengths)
    cells = sum(len(b) * int(lengths[b].max()) for b in batches)
    tokens = sum(int(lengths[b].sum()) for b in batches)
    return 1.0 - tokens / cells
