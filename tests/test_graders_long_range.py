"""The graders of book/long_range accept right answers, reject wrong ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnbook.graders.long_range import check_adding_problem, check_count_params
from rnnbook.tasks import adding_problem

# ---------------------------------------------------------- the adding problem


def adding_mine(batch, length, generator):
    """An independent implementation.

    One mark per half via a random permutation trick.
    """
    half = length // 2
    x = torch.zeros(length, batch, 2)
    x[..., 0] = torch.rand(length, batch, generator=generator)
    i = (torch.rand(batch, generator=generator) * half).long()
    j = (
        half
        + (torch.rand(batch, generator=generator) * (length - half)).long()
    )
    b = torch.arange(batch)
    x[i, b, 1] = 1.0
    x[j, b, 1] = 1.0
    return x, (x[..., 0] * x[..., 1]).sum(0)


def adding_batch_major(batch, length, generator):
    x, y = adding_problem(batch, length, generator=generator)
    return x.transpose(0, 1).contiguous(), y  # (B, T, 2): wrong layout


def adding_anywhere(batch, length, generator):
    """Two distinct marks anywhere in the sequence, not one per half."""
    x = torch.zeros(length, batch, 2)
    x[..., 0] = torch.rand(length, batch, generator=generator)
    for b in range(batch):
        i, j = torch.randperm(length, generator=generator)[:2]
        x[i, b, 1] = x[j, b, 1] = 1.0
    return x, (x[..., 0] * x[..., 1]).sum(0)


def adding_fixed_marks(batch, length, generator):
    """Marks always at the first and the last step."""
    x = torch.zeros(length, batch, 2)
    x[..., 0] = torch.rand(length, batch, generator=generator)
    x[0, :, 1] = x[-1, :, 1] = 1.0
    return x, x[0, :, 0] + x[-1, :, 0]


def adding_wrong_target(batch, length, generator):
    x, y = adding_problem(batch, length, generator=generator)
    return (
        x,
        x[..., 0].sum(0) / length * 2,
    )  # twice the mean, not the marked sum


def adding_float64(batch, length, generator):
    x, y = adding_problem(batch, length, generator=generator)
    return x.double(), y.double()


def adding_global_rng(batch, length, generator):
    return adding_problem(batch, length)  # ignores the generator


def adding_gaussian(batch, length, generator):
    x, _ = adding_problem(batch, length, generator=generator)
    x[..., 0] = (
        torch.randn(length, batch, generator=generator).abs().clamp(max=1.0)
    )
    return x, (x[..., 0] * x[..., 1]).sum(0)


def test_adding_accepts_reference_and_independent(capsys):
    assert check_adding_problem(
        lambda b, t, g: adding_problem(b, t, generator=g)
    )
    assert check_adding_problem(adding_mine)
    assert "correct" in capsys.readouterr().out


def test_adding_rejects_wrong(capsys):
    for wrong in (
        adding_batch_major,
        adding_anywhere,
        adding_fixed_marks,
        adding_wrong_target,
        adding_float64,
        adding_global_rng,
        adding_gaussian,
    ):
        assert not check_adding_problem(wrong), wrong.__name__
        assert "not yet" in capsys.readouterr().out


def test_adding_stub_and_crash_do_not_raise(capsys):
    assert not check_adding_problem(lambda b, t, g: None)
    assert not check_adding_problem(lambda b, t, g: 1 / 0)
    out = capsys.readouterr().out
    assert "ZeroDivisionError" in out and "expected a pair" in out


# ------------------------------------------------------------ parameter counts

GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def count_right(cell, D, H):
    return GATES[cell] * (H * D + H * H + 2 * H)


def count_one_bias(cell, D, H):
    return GATES[cell] * (H * D + H * H + H)


def count_gru_four_blocks(cell, D, H):
    return (4 if cell == "gru" else GATES[cell]) * (H * D + H * H + 2 * H)


def count_no_recurrent(cell, D, H):
    return GATES[cell] * (H * D + 2 * H)


def count_float(cell, D, H):
    return float(count_right(cell, D, H))


def test_count_accepts_formula(capsys):
    assert check_count_params(count_right)
    assert check_count_params(lambda c, D, H: np.int64(count_right(c, D, H)))
    assert "correct" in capsys.readouterr().out


def test_count_rejects_wrong(capsys):
    for wrong in (
        count_one_bias,
        count_gru_four_blocks,
        count_no_recurrent,
        count_float,
        lambda c, D, H: None,
    ):
        assert not check_count_params(wrong)
        assert "not yet" in capsys.readouterr().out


def _with_values(values):
    """adding_mine with channel 0 replaced by ``values(shape, generator)``."""

    def fn(batch, length, generator):
        x, _ = adding_mine(batch, length, generator)
        x[..., 0] = values((length, batch), generator)
        return x, (x[..., 0] * x[..., 1]).sum(0)

    return fn


@pytest.mark.parametrize(
    "name, values",
    [
        (
            "all 0.5",
            lambda shape, g: torch.full(shape, 0.5)
            + 0 * torch.rand(shape, generator=g),
        ),
        (
            "Bernoulli",
            lambda shape, g: torch.bernoulli(
                torch.full(shape, 0.5), generator=g
            ),
        ),
        (
            "three levels",
            lambda shape, g: torch.randint(0, 3, shape, generator=g) / 2,
        ),
        (
            "Beta(2, 2)-like",
            lambda shape, g: (
                torch.rand(shape, generator=g) + torch.rand(shape, generator=g)
            )
            / 2,
        ),
    ],
)
def test_adding_rejects_values_that_are_not_uniform(name, values, capsys):
    assert check_adding_problem(_with_values(values)) is False, name
    out = capsys.readouterr().out
    assert out.startswith("not yet") and "uniform" in out, out
