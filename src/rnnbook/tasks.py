"""Synthetic sequence tasks that need memory over a known distance.

Each task generator takes a batch size, a length and a ``torch.Generator`` and
returns time-major tensors ``x`` of shape (T, B, D) and targets ``y``, so that
the same seed gives the same data on every machine. Each task comes with the
exact loss (or accuracy) of a model that has not learned the memory part, the
baseline that a trained model must beat by a margin.

``delayed_recall``
    A classification version of the "remember a marker" experiments of
    Bengio, Simard and Frasconi (1994) and Hochreiter and Schmidhuber (1997):
    the first step shows one of ``n_symbols`` symbols, ``delay`` steps of
    noise follow, and the label at the last step is the first symbol. A model
    that cannot carry information over ``delay`` steps is at chance: accuracy
    1/n_symbols and cross-entropy ln(n_symbols)
    (:func:`recall_chance_accuracy`, :func:`recall_chance_loss`).
``adding_problem``
    A stream of random numbers in [0, 1], two of them marked (one in each half
    of the sequence); the target is the sum of the two marked numbers. This is
    the variant of Le, Jaitly and Hinton (2015) and Arjovsky, Shah and Bengio
    (2016). Hochreiter and Schmidhuber's (1997) original differs: its numbers
    are drawn from [-1, 1], one mark falls among the first ten steps and the
    other among the first T/2 - 1, the first and last steps carry a marker -1,
    T itself varies between sequences, and the target is 0.5 + (X_1 + X_2)/4.
    Baselines: predicting the mean, 1, gives an MSE of 1/6
    (:data:`ADDING_BASELINE_MSE`); remembering only one of the two numbers
    gives 1/12 (:data:`ADDING_ONE_NUMBER_MSE`).
``copy_memory``
    The copy-memory task of Arjovsky, Shah and Bengio (2016): read ``length``
    symbols, wait ``delay`` steps, then reproduce them. A model that outputs
    blanks and then guesses uniformly has a cross-entropy of
    length·ln(n_symbols)/T (:func:`copy_memory_baseline`).
"""

from __future__ import annotations

import math

import torch

#: MSE of the constant prediction E[y] = 1 on the adding problem. The target
#: y = U_1 + U_2 is a sum of two independent U[0, 1] numbers, so the best
#: constant is its mean, 1, and its MSE is Var(y) = Var(U_1) + Var(U_2)
#: = 1/12 + 1/12 = 1/6.
ADDING_BASELINE_MSE = 1.0 / 6.0

#: MSE of the best prediction that uses only one of the two marked numbers.
#: Knowing U_2 alone, the best prediction is E[y | U_2] = U_2 + 1/2; its
#: error is U_1 - 1/2, so the MSE is E[(U_1 - 1/2)^2] = Var(U_1) = 1/12. A
#: model below 1/6 but not well below 1/12 may have learned only the second
#: (the nearer) number.
ADDING_ONE_NUMBER_MSE = 1.0 / 12.0


def delayed_recall(
    batch: int,
    delay: int,
    *,
    n_symbols: int = 4,
    generator: torch.Generator | None = None,
):
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
    x[1:, :, :n_symbols] = 0.5 * torch.rand(
        T - 1, batch, n_symbols, generator=generator
    )
    x[1:, :, n_symbols] = 1.0
    return x, y


def adding_problem(
    batch: int, length: int, *, generator: torch.Generator | None = None
):
    """The adding problem of length ``length`` (the variant of Le et al. 2015).

    Values in [0, 1] and one mark in each half, as in Le, Jaitly and Hinton
    (2015) and Arjovsky, Shah and Bengio (2016); see the module docstring for
    how Hochreiter and Schmidhuber's (1997) original differs.

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


def recall_chance_accuracy(n_symbols: int) -> float:
    """Accuracy of an input-ignoring model on :func:`delayed_recall`: 1/K.

    The label is uniform over K = ``n_symbols`` symbols and independent of
    everything after step 0, so any guess that does not use step 0 is right
    with probability exactly 1/K.
    """
    return 1.0 / _positive("n_symbols", n_symbols)


def recall_chance_loss(n_symbols: int) -> float:
    """Best cross-entropy without the input on :func:`delayed_recall`: ln K.

    Without the symbol, the prediction q minimising E[-ln q_y] for a uniform
    label y is q = uniform (Gibbs' inequality), whose loss is -ln(1/K) = ln K.
    """
    return math.log(_positive("n_symbols", n_symbols))


def copy_memory(
    batch: int,
    delay: int,
    *,
    n_symbols: int = 8,
    length: int = 10,
    generator: torch.Generator | None = None,
):
    """The copy-memory task of Arjovsky, Shah and Bengio (2016).

    With K = ``n_symbols``, L = ``length`` and d = ``delay``, every sequence
    has T = d + 2L steps (the paper's T + 20 with L = 10 and its T = d):

    ==================  =================================  ==================
    steps               input                              target
    ==================  =================================  ==================
    0 .. L-1            L symbols, uniform over 0 .. K-1   blank
    L .. L+d-2          blank (d - 1 steps)                blank
    L+d-1               delimiter ("go")                   blank
    L+d .. 2L+d-1       blank                              the L symbols
    ==================  =================================  ==================

    Classes: 0 .. K-1 are the data symbols, K is the blank and K+1 the
    delimiter. The paper's categories a_1 .. a_8, a_9 (blank) and a_10
    (delimiter) are ours 0 .. 7, 8 and 9 when K = 8. The delimiter is never a
    target, so a read-out with K + 1 outputs suffices.

    Returns
    -------
    x : (T, B, K + 2) float32, one-hot.
    y : (T, B) int64, the target class at every step.

    The loss is the cross-entropy averaged over all T steps, whose memoryless
    baseline is :func:`copy_memory_baseline`.
    """
    if delay < 1:
        raise ValueError(f"delay must be at least 1, got {delay}")
    _positive("n_symbols", n_symbols)
    _positive("length", length)
    L, K = length, n_symbols
    T = delay + 2 * L
    blank, go = K, K + 1
    symbols = torch.randint(K, (L, batch), generator=generator)  # (L, B)
    tokens = torch.full((T, batch), blank, dtype=torch.long)
    tokens[:L] = symbols
    tokens[L + delay - 1] = go
    y = torch.full((T, batch), blank, dtype=torch.long)
    y[L + delay :] = symbols
    x = torch.nn.functional.one_hot(tokens, K + 2).float()  # (T, B, K+2)
    return x, y


def copy_memory_baseline(
    delay: int, *, n_symbols: int = 8, length: int = 10
) -> float:
    """Cross-entropy of the memoryless strategy on :func:`copy_memory`.

    The strategy predicts "blank" with certainty for the first T - L steps,
    where the target is always blank (loss 0), and the uniform distribution
    over the K data symbols for the last L steps (loss ln K each, the best a
    model can do without the symbols, as in :func:`recall_chance_loss`).
    Averaged over all T = d + 2L steps:

        L·ln(K) / (d + 2L),

    which for L = 10 and K = 8 is the paper's 10 log 8 / (T + 20).
    """
    if delay < 1:
        raise ValueError(f"delay must be at least 1, got {delay}")
    K, L = _positive("n_symbols", n_symbols), _positive("length", length)
    return L * math.log(K) / (delay + 2 * L)


def _positive(name: str, value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value
