"""Character-level language modelling: vocabulary, batches, sampling.

A character-level language model reads a text one character at a time and, at
every step t, predicts a distribution over the next character,

    p(x_{t+1} | x_1..x_t) = p_t = softmax(ŷ_t),   ŷ_t = W_hy h_t + b_y   (B, V)

trained with the cross-entropy of the true next character, in nats per
character; its exponential is the perplexity. Karpathy's min-char-rnn and
char-rnn (2015) and the "Dinosaur Island" lab of Ng's Sequence Models course
are the models this module follows.

This module holds what does not depend on the network:

- the vocabulary: :func:`build_vocab` (``sorted(set(text))``, so that one text
  gives one order in every process; ``list(set(text))`` does not),
  :func:`encode`, :func:`decode` and :func:`one_hot`;
- the split of a text into a training part and a held-out tail
  (:func:`train_val_split`);
- two ways of cutting a long encoded text into ``(x, y)`` batches, with
  ``y[t] = x[t + 1]`` the next character, time-major (T, B):
  :func:`sequential_batches` cuts the text into B streams and walks each stream
  from left to right, so that batch k + 1 continues batch k and a model may
  carry its hidden state across them (stateful truncated BPTT, as min-char-rnn
  and char-rnn do); :func:`random_batch` draws B chunks at random offsets,
  each starting from a fresh state;
- sampling the next character from logits ŷ with a temperature ϑ, top-k, or
  greedily (:func:`sample_next`):

      p_ϑ(v) = exp(ŷ_v / ϑ) / Σ_u exp(ŷ_u / ϑ),  over the k_top largest ŷ_v

  ϑ → 0 is the greedy choice argmax ŷ, ϑ = 1 the model's own distribution,
  ϑ > 1 a flatter one. (τ is the book's truncation length, hence ϑ.)

Arrays are NumPy integer arrays of character ids; the PyTorch code of the book
converts them with ``torch.from_numpy``.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

__all__ = [
    "build_vocab", "encode", "decode", "one_hot", "train_val_split",
    "sequential_batches", "random_batch", "sample_next",
]


def build_vocab(text: str) -> list[str]:
    """The characters of ``text``, sorted: ``sorted(set(text))``.

    Character ``i`` of the result has id ``i``. Sorting makes the ids the same
    in every process (the order of ``set`` changes with Python's hash seed).
    """
    if not isinstance(text, str) or not text:
        raise ValueError("build_vocab needs a non-empty str, got "
                         f"{type(text).__name__} {text!r:.40}")
    return sorted(set(text))


def encode(text: str, vocab: list[str]) -> np.ndarray:
    """The ids of the characters of ``text`` (int64, shape (len(text),))."""
    index = {c: i for i, c in enumerate(vocab)}
    try:
        return np.array([index[c] for c in text], dtype=np.int64)
    except KeyError as err:
        raise ValueError(f"character {err.args[0]!r} is not in the vocabulary "
                         f"of {len(vocab)} characters; build the vocabulary "
                         "from a text that contains it") from None


def decode(ids, vocab: list[str]) -> str:
    """The text of a sequence of ids."""
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.dtype.kind not in "iu":
        raise ValueError(f"decode expects a 1-d array of integer ids, got "
                         f"shape {ids.shape}, dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= len(vocab)):
        raise ValueError(f"ids must lie in [0, {len(vocab) - 1}], got "
                         f"{ids.min()}..{ids.max()}")
    return "".join(vocab[i] for i in ids)


def one_hot(ids, V: int, dtype=np.float64) -> np.ndarray:
    """One-hot vectors: ``out[..., v] = 1`` where ``ids == v``.

    The result has shape (*ids.shape, V).
    """
    ids = np.asarray(ids)
    if ids.dtype.kind not in "iu":
        raise ValueError(f"one_hot expects integer ids, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        raise ValueError(f"ids must lie in [0, {V - 1}] for V = {V}, got "
                         f"{ids.min()}..{ids.max()}")
    return np.eye(V, dtype=dtype)[ids]


def train_val_split(ids, val_fraction: float = 0.1):
    """Split a text (ids) into its first part and a held-out tail.

    The held-out part is the last ``val_fraction`` of the text, its *tail*,
    not a random sample of positions: characters next to each other are
    strongly dependent, so a random split would put near copies of the
    validation text into training.
    """
    ids = np.asarray(ids)
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie in (0, 1), "
                         f"got {val_fraction}")
    n_val = int(round(val_fraction * len(ids)))
    if n_val < 2 or len(ids) - n_val < 2:
        raise ValueError(f"a text of {len(ids)} characters is too short to "
                         f"hold out {val_fraction:.0%} of it")
    return ids[:-n_val], ids[-n_val:]


def _check_text(ids, batch_size: int, seq_len: int, need: int) -> np.ndarray:
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.dtype.kind not in "iu":
        raise ValueError(f"expected a 1-d array of integer ids, got shape "
                         f"{ids.shape}, dtype {ids.dtype}")
    if batch_size < 1 or seq_len < 1:
        raise ValueError(f"batch_size and seq_len must be positive, got "
                         f"{batch_size} and {seq_len}")
    if len(ids) < need:
        raise ValueError(f"a text of {len(ids)} characters is too short for "
                         f"{batch_size} sequences of {seq_len} characters "
                         f"(needs {need})")
    return ids


def sequential_batches(
    ids, batch_size: int, seq_len: int, drop_last: bool = True
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Walk a text as ``batch_size`` parallel streams, ``seq_len`` at a time.

    The text of N characters is cut into B equal streams of
    M = (N − 1) // B characters, stream b being characters b·M .. (b+1)·M − 1
    (M rather than the book's L, which is a loss); column b of every batch
    comes from stream b, and batch k + 1 starts where batch k ended. Yields
    ``(x, y)`` of shape (T, B) with ``y[t, b]`` the character after
    ``x[t, b]``. With ``drop_last=False`` the last batch may be shorter than
    ``seq_len``, so that every character of the streams is predicted once
    (for evaluation).
    """
    need = batch_size * seq_len + 1 if drop_last else batch_size + 1
    ids = _check_text(ids, batch_size, seq_len, need=need)
    M = (len(ids) - 1) // batch_size
    x = ids[:batch_size * M].reshape(batch_size, M).T          # (M, B)
    # (M, B), shifted by one
    y = ids[1:batch_size * M + 1].reshape(batch_size, M).T
    stop = M - seq_len + 1 if drop_last else M
    for s in range(0, stop, seq_len):
        yield x[s:s + seq_len], y[s:s + seq_len]


def random_batch(ids, batch_size: int, seq_len: int, rng: np.random.Generator):
    """``batch_size`` chunks of ``seq_len`` characters at random offsets.

    Offsets are drawn uniformly from every position where a whole chunk and its
    next-character targets fit. Returns ``(x, y)`` of shape (T, B), time-major.
    """
    ids = _check_text(ids, batch_size, seq_len, need=seq_len + 1)
    starts = rng.integers(0, len(ids) - seq_len, size=batch_size)   # (B,)
    idx = starts[None, :] + np.arange(seq_len)[:, None]            # (T, B)
    return ids[idx], ids[idx + 1]


def sample_next(logits, rng: np.random.Generator, temperature: float = 1.0,
                top_k: int | None = None) -> np.ndarray:
    """Draw the next character id from ``logits`` (V,) or (B, V).

    ``temperature=0`` is greedy decoding (the argmax). Otherwise the logits are
    divided by the temperature, all but the ``top_k`` largest are dropped
    (``None``: keep all), and an id is drawn from the softmax of the rest.
    Returns an int64 array of shape () or (B,).
    """
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim not in (1, 2) or logits.shape[-1] < 1:
        raise ValueError(f"logits must have shape (V,) or (B, V), "
                         f"got {logits.shape}")
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0 (0 is greedy), "
                         f"got {temperature}")
    if top_k is not None and not 1 <= top_k <= logits.shape[-1]:
        raise ValueError(f"top_k must lie in [1, {logits.shape[-1]}] or be "
                         f"None, got {top_k}")
    if temperature == 0:
        return np.argmax(logits, axis=-1)
    z = np.atleast_2d(logits) / temperature                       # (B, V)
    if top_k is not None:
        # k-th largest per row
        kth = np.sort(z, axis=-1)[:, -top_k][:, None]
        z = np.where(z >= kth, z, -np.inf)
    p = np.exp(z - z.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)                           # p_ϑ (B, V)
    cdf = np.cumsum(p, axis=-1)                                  # (B, V)
    # uniform in (0, total]
    u = (1.0 - rng.random((z.shape[0], 1))) * cdf[:, -1:]
    # first v with cdf >= u
    ids = np.minimum((cdf < u).sum(axis=-1), z.shape[1] - 1)
    return ids if logits.ndim == 2 else ids[0]
