"""rnnbook.tasks, rnnbook.models and rnnbook.train."""

import pytest
import torch

from rnnbook import tasks
from rnnbook.tasks import delayed_recall
from rnnbook.models import SequenceClassifier, recurrent_layer
from rnnbook.train import fit


def test_delayed_recall_shapes_and_label():
    g = torch.Generator().manual_seed(0)
    x, y = tasks.delayed_recall(7, delay=5, n_symbols=3, generator=g)
    assert x.shape == (6, 7, 4) and y.shape == (7,)
    assert torch.equal(x[0, :, :3].argmax(-1), y)
    assert torch.all(x[1:, :, 3] == 1) and torch.all(x[0, :, 3] == 0)


def test_adding_problem_target_and_marks():
    g = torch.Generator().manual_seed(0)
    x, y = tasks.adding_problem(5, 10, generator=g)
    assert x.shape == (10, 5, 2)
    assert torch.all(x[..., 1].sum(0) == 2)
    assert torch.all(x[:5, :, 1].sum(0) == 1)  # one mark in each half
    assert torch.allclose((x[..., 0] * x[..., 1]).sum(0), y)


def test_tasks_are_deterministic_and_validate():
    a = tasks.adding_problem(3, 8, generator=torch.Generator().manual_seed(1))
    b = tasks.adding_problem(3, 8, generator=torch.Generator().manual_seed(1))
    assert all(torch.equal(u, v) for u, v in zip(a, b))
    with pytest.raises(ValueError, match="delay must be at least 1"):
        tasks.delayed_recall(2, 0)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_sequence_classifier_shapes(cell):
    model = SequenceClassifier(cell, 3, 8, 5)
    assert model(torch.zeros(4, 2, 3)).shape == (2, 5)
    with pytest.raises(ValueError, match=r"x must be \(T, B, D\)"):
        model(torch.zeros(2, 3))


def test_recurrent_layer_validates():
    with pytest.raises(ValueError, match="cell must be one of"):
        recurrent_layer("transformer", 2, 2)


def test_fit_learns_short_recall_and_repeats():
    def run():
        torch.manual_seed(0)
        model = SequenceClassifier("gru", 5, 16, 4)
        return fit(
            model,
            lambda b, g: tasks.delayed_recall(b, 3, generator=g),
            steps=100,
            lr=2e-2,
            eval_every=50,
            eval_size=256,
            progress=False,
        )

    h1, h2 = run(), run()
    assert h1.final_metric > 0.95, h1.eval_metric
    assert h1.eval_loss == h2.eval_loss  # same seed, same run


def test_fit_regression_beats_baseline():
    torch.manual_seed(0)
    model = SequenceClassifier("lstm", 2, 16, 1)
    hist = fit(
        model,
        lambda b, g: tasks.adding_problem(b, 6, generator=g),
        steps=200,
        lr=1e-2,
        task="regression",
        eval_every=100,
        eval_size=256,
        progress=False,
    )
    assert (
        hist.final_eval_loss < 0.5 * tasks.ADDING_BASELINE_MSE
    ), hist.eval_loss


def test_bidirectional_classifier_reads_both_final_states():
    torch.manual_seed(0)
    model = SequenceClassifier("gru", 3, 4, 2, bidirectional=True)
    x = torch.randn(6, 2, 3)
    out, h_n = model.rnn(x)
    expected = model.head(torch.cat([out[-1, :, :4], out[0, :, 4:]], dim=-1))
    wrong = model.head(out[-1])  # backward half after one step only
    assert torch.allclose(model(x), expected)
    assert not torch.allclose(model(x), wrong)


def test_fit_rejects_empty_runs():
    model = SequenceClassifier("rnn", 5, 4, 4)
    make = lambda b, g: delayed_recall(b, 2, generator=g)  # noqa: E731
    for bad in (
        {"steps": 0},
        {"steps": 3, "eval_every": 0},
        {"steps": 3, "batch_size": 0},
    ):
        with pytest.raises(ValueError, match="must be a positive integer"):
            fit(model, make, progress=False, **bad)


def test_fit_trains_in_training_mode_with_seeded_dropout():
    make = lambda b, g: delayed_recall(b, 3, generator=g)  # noqa: E731

    def run(noise_before, mode):
        torch.manual_seed(0)
        model = SequenceClassifier("lstm", 5, 8, 4, num_layers=2, dropout=0.5)
        model.train(mode)  # fit must train in training mode either way
        torch.rand(noise_before)  # other draws before fit must not matter
        hist = fit(model, make, steps=4, eval_every=4, seed=3, progress=False)
        return hist.loss, torch.rand(1)

    (a, after_a), (b, after_b) = run(1, False), run(7, True)
    assert a == b  # training mode, and masks from seed=3 alone
    assert not torch.equal(
        after_a, after_b
    )  # the caller's generator is restored
