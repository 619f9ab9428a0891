"""rnnbook.char_rnn_torch: model, evaluation, schedule, training and generation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from rnnbook.char_rnn_torch import CharLM, evaluate, generate, lr_at, train


def test_forward_shapes_and_errors():
    torch.manual_seed(0)
    for mode in ("rnn", "lstm", "gru"):
        m = CharLM(11, mode, hidden_size=8, embedding_dim=4)
        logits, state = m(torch.randint(0, 11, (5, 3)))
        assert logits.shape == (5, 3, 11)
    with pytest.raises(ValueError, match="mode"):
        CharLM(11, "transformer")
    with pytest.raises(ValueError, match="int64"):
        m(torch.zeros(5, 3))


def test_evaluate_is_the_mean_cross_entropy_of_the_streams():
    torch.manual_seed(0)
    m = CharLM(6, "lstm", hidden_size=8, embedding_dim=4, dropout=0.5)
    ids = np.random.default_rng(0).integers(0, 6, 81)
    got = evaluate(m, ids, batch_size=2, seq_len=7)
    # two streams of 40 characters, each read at once from a zero state
    x = torch.from_numpy(ids[:80].reshape(2, 40).T.copy())
    y = torch.from_numpy(ids[1:81].reshape(2, 40).T.copy())
    m.eval()
    with torch.no_grad():
        want = torch.nn.functional.cross_entropy(m(x)[0].reshape(-1, 6), y.reshape(-1))
    assert abs(got - want.item()) < 1e-5
    assert m.training is False  # evaluate restores the mode it found


def test_lr_schedule():
    lrs = [lr_at(s, 100, 1.0, 10, 0.02) for s in range(100)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert lrs[10] == pytest.approx(1.0) and lrs[-1] == pytest.approx(0.02)
    assert all(a >= b for a, b in zip(lrs[9:], lrs[10:]))
    want = 0.5 * (1 + math.cos(math.pi * 40 / 89))
    assert lr_at(50, 100, 1.0, 10, 0.0) == pytest.approx(want)


@pytest.mark.parametrize("stateful", [True, False])
def test_train_lowers_the_loss_and_is_deterministic(stateful):
    text = np.tile(np.array([0, 1, 2, 3, 2, 1]), 200)
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        m = CharLM(4, "gru", hidden_size=16, embedding_dim=4)
        h = train(m, text, steps=60, batch_size=4, seq_len=12, lr=1e-2, warmup=5,
                  stateful=stateful, val_ids=text[:200], eval_every=30)
        runs.append(h)
    h = runs[0]
    assert h["val_step"] == [30, 60] and h["val_loss"][-1] < 0.3 < math.log(4)
    assert runs[0]["loss"] == runs[1]["loss"]
    ids = generate(m, [0, 1], 12, np.random.default_rng(0), temperature=0)
    np.testing.assert_array_equal(ids, [2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1])
