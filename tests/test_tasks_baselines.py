"""The copy-memory task and the exact baselines of rnnbook.tasks."""

import math

import pytest
import torch
import torch.nn.functional as F

from rnnbook import tasks


def test_copy_memory_layout():
    K, L, d, B = 5, 4, 6, 7
    x, y = tasks.copy_memory(
        B, d, n_symbols=K, length=L, generator=torch.Generator().manual_seed(0)
    )
    T = d + 2 * L
    assert (
        x.shape == (T, B, K + 2)
        and y.shape == (T, B)
        and y.dtype == torch.long
    )
    assert torch.all(x.sum(-1) == 1)  # one-hot at every step
    tokens = x.argmax(-1)
    blank, go = K, K + 1
    assert torch.all(tokens[:L] < K)  # L data symbols
    assert torch.all(tokens[L : L + d - 1] == blank)  # d - 1 blanks
    assert torch.all(tokens[L + d - 1] == go)  # the delimiter
    assert torch.all(tokens[L + d :] == blank)  # blanks while recalling
    assert torch.all(y[: L + d] == blank)
    assert torch.equal(y[L + d :], tokens[:L])  # the symbols, in order


def test_copy_memory_delay_one_puts_go_right_after_the_symbols():
    x, y = tasks.copy_memory(3, 1, n_symbols=8, length=10)
    assert x.shape[0] == 21 and torch.all(x[10].argmax(-1) == 9)


def test_copy_memory_is_deterministic_and_validates():
    a = tasks.copy_memory(3, 5, generator=torch.Generator().manual_seed(1))
    b = tasks.copy_memory(3, 5, generator=torch.Generator().manual_seed(1))
    assert all(torch.equal(u, v) for u, v in zip(a, b))
    with pytest.raises(ValueError, match="delay must be at least 1"):
        tasks.copy_memory(2, 0)
    with pytest.raises(ValueError, match="length must be a positive integer"):
        tasks.copy_memory(2, 3, length=0)
    with pytest.raises(
        ValueError, match="n_symbols must be a positive integer"
    ):
        tasks.copy_memory_baseline(3, n_symbols=0)


def test_copy_memory_baseline_is_the_memoryless_models_loss():
    """Build the memoryless model's logits and compute its cross-entropy exactly."""
    K, L, d, B = 8, 10, 30, 64
    _, y = tasks.copy_memory(
        B, d, n_symbols=K, length=L, generator=torch.Generator().manual_seed(0)
    )
    T = y.shape[0]
    logits = torch.full((T, B, K + 1), -math.inf, dtype=torch.float64)
    logits[: T - L, :, K] = 0.0  # certain blank: loss 0
    logits[T - L :, :, :K] = 0.0  # uniform over the K symbols
    loss = F.cross_entropy(logits.reshape(T * B, K + 1), y.reshape(-1)).item()
    assert loss == pytest.approx(
        tasks.copy_memory_baseline(d, n_symbols=K, length=L), rel=1e-12
    )
    # the paper's formula, 10 log 8 / (T + 20), with its T = our delay
    assert tasks.copy_memory_baseline(d) == pytest.approx(
        10 * math.log(8) / (d + 20)
    )


def test_adding_baselines_by_monte_carlo():
    x, y = tasks.adding_problem(
        200_000, 20, generator=torch.Generator().manual_seed(0)
    )
    y = y.double()
    mean_mse = ((y - 1.0) ** 2).mean().item()
    second = (
        (x[10:, :, 0] * x[10:, :, 1]).sum(0).double()
    )  # the mark in the second half
    one_number_mse = ((y - (second + 0.5)) ** 2).mean().item()
    # standard errors: sd((y-1)^2) / sqrt(n) ~ 4e-4, sd((U-1/2)^2) / sqrt(n) ~ 1.7e-4
    assert mean_mse == pytest.approx(tasks.ADDING_BASELINE_MSE, abs=2e-3)
    assert one_number_mse == pytest.approx(
        tasks.ADDING_ONE_NUMBER_MSE, abs=1e-3
    )
    assert tasks.ADDING_BASELINE_MSE == 2 * tasks.ADDING_ONE_NUMBER_MSE


@pytest.mark.parametrize("K", [2, 4, 10])
def test_recall_chance(K):
    _, y = tasks.delayed_recall(
        100_000, 3, n_symbols=K, generator=torch.Generator().manual_seed(K)
    )
    # any fixed guess is right with probability 1/K
    assert (y == 0).double().mean().item() == pytest.approx(
        tasks.recall_chance_accuracy(K), abs=0.01
    )
    # the uniform prediction's cross-entropy is ln K for every label, exactly
    uniform = torch.zeros(len(y), K, dtype=torch.float64)
    assert F.cross_entropy(uniform, y).item() == pytest.approx(
        tasks.recall_chance_loss(K), rel=1e-12
    )
