"""Synthetic sequence tasks that need memory over a known distance.

Each task generator takes a batch size, a length and a ``torch.Generator`` and
returns time-major tensors ``x`` of shape (T, B, D) and targets ``y``, so that
the same seed gives the same data on every machine.

``delayed_recall``
    A classification version of the "remember a marker" experiments of
    Bengio, Simard and Frasconi (1994) and Hochreiter and Schmidhuber (1997):
    the first step shows one of ``n_symbols`` symbols, ``delay`` steps of noise
    follow, and the label at the last step is the first symbol. A model that
    cannot carry information over ``delay`` steps is at chance, 1/n_symbols.
``adding_problem``
    Hochreiter and Schmidhuber's (1997) adding problem: a stream of random
    numbers in [0, 1], two of them marked, and the target is the sum of the two
    marked numbers. Predicting the mean (1.0) gives a mean squared error of
    1/6 ≈ 0.167, the baseline to beat.
"""

from __future__ import annotations

import torch

ADDING_BASELINE_MSE = 1.0 / 6.0


def delayed_recall(batch: int, delay: int, *, n_symbols: int = 4,
                   generator: torch.Generator | None = None):
    """Recall the first symbol after ``delay`` steps of distractors.

    Returns
    -------
    x : (delay + 1, B, n_symbols + 1) float32
        Step 0 is a one-hot symbol in the first ``n_symbols`` channels. Every
        later step carries uniform noise in those channels scaled by 0.5 and a
        1 in the last channel, which marks "not a symbol".
    y : (B,) int64
        The symbol shown at step 0.
    """
    if delay < 1:
        raise ValueError(f"delay must be at least 1, got {delay}")
    T = delay + 1
    y = torch.randint(n_symbols, (batch,), generator=generator)
    x = torch.zeros(T, batch, n_symbols + 1)
    x[0, torch.arange(batch), y] = 1.0
    x[1:, :, :n_symbols] = 0.5 * torch.rand(T - 1, batch, n_symbols, generator=generator)
    x[1:, :, n_symbols] = 1.0
    return x, y


def adding_problem(batch: int, length: int, *, generator: torch.Generator | None = None):
    """The adding problem of length ``length``.

    Returns
    -------
    x : (T, B, 2) float32
        Channel 0 holds numbers drawn uniformly from [0, 1]; channel 1 is 1 at
        exactly two steps, one in the first half and one in the second half.
    y : (B,) float32
        The sum of the two marked numbers.
    """
    if length < 2:
        raise ValueError(f"length must be at least 2, got {length}")
    half = length // 2
    values = torch.rand(length, batch, generator=generator)
    first = torch.randint(half, (batch,), generator=generator)
    second = half + torch.randint(length - half, (batch,), generator=generator)
    marks = torch.zeros(length, batch)
    cols = torch.arange(batch)
    marks[first, cols] = 1.0
    marks[second, cols] = 1.0
    y = values[first, cols] + values[second, cols]
    return torch.stack([values, marks], dim=-1), y
