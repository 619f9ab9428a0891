"""rnnbook.sentiment: padding never changes a prediction; fit learns and stops
early."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnbook import sentiment as S
from rnnbook.text import pad_batch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

SEQS = [[2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4], [5, 6], [7, 8, 9, 2, 3], [4]]


def _alone_vs_batched(model):
    model.eval()
    ids, lengths = pad_batch(SEQS)
    batched = model(ids, lengths)
    alone = torch.cat([model(*pad_batch([s])) for s in SEQS])
    return batched, alone


@pytest.mark.parametrize("pooling", S.POOLINGS)
@pytest.mark.parametrize("conv", [None, 6])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", list(S.CELLS))
def test_recurrent_prediction_does_not_depend_on_padding(cell, bidirectional,
                                                          conv, pooling):
    torch.manual_seed(0)
    model = S.RecurrentClassifier(cell, 12, 4, 5, bidirectional=bidirectional,
                                  pooling=pooling, conv_channels=conv,
                                  conv_kernel=3, pool=2, dropout=0.5).double()
    batched, alone = _alone_vs_batched(model)
    assert batched.shape == (4, 2)
    torch.testing.assert_close(batched, alone, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("conv", [None, 6])
@pytest.mark.parametrize("cell", list(S.CELLS))
def test_flipped_second_layer_equals_torch_bidirectional_on_packed(cell, conv):
    """outputs() equals torch.nn's bidirectional layer on a PackedSequence."""
    torch.manual_seed(0)
    model = S.RecurrentClassifier(cell, 12, 4, 5, bidirectional=True,
                                  conv_channels=conv, conv_kernel=3,
                                  pool=2).double().eval()
    ids, lengths = pad_batch(SEQS)
    out, last, n = model.outputs(ids, lengths)
    x, n_x = model.features(ids, lengths)
    ref = S.CELLS[cell](x.shape[-1], 5, bidirectional=True).double()
    ref.load_state_dict(model.bidirectional_state_dict())
    want, h_n = ref(pack_padded_sequence(x, n_x, enforce_sorted=False))
    want, _ = pad_packed_sequence(want)
    h_n = h_n[0] if cell == "lstm" else h_n                       # (2, B, H)
    valid = torch.arange(want.shape[0])[:, None] < n[None, :]
    torch.testing.assert_close(out[: want.shape[0]][valid], want[valid])
    torch.testing.assert_close(last, torch.cat([h_n[0], h_n[1]], -1))


def test_flip_padded_reverses_within_each_length():
    x = torch.tensor([[1, 5], [2, 6], [3, 0]])           # (T, B), lengths 3, 2
    got = S.flip_padded(x, torch.tensor([3, 2]))
    assert got.tolist() == [[3, 6], [2, 5], [1, 0]]
    assert S.flip_padded(got, torch.tensor([3, 2])).tolist() == x.tolist()
    feats = torch.arange(12.).view(3, 2, 2)                         # (T, B, D)
    flipped = S.flip_padded(feats, torch.tensor([2, 3]))
    assert flipped[:, 0].tolist() == [[4, 5], [0, 1], [8, 9]]


def test_mean_embedding_ignores_padding_and_word_order():
    torch.manual_seed(0)
    model = S.MeanEmbedding(12, 4)
    batched, alone = _alone_vs_batched(model)
    torch.testing.assert_close(batched, alone)
    shuffled = model(*pad_batch([SEQS[0][::-1]]))
    torch.testing.assert_close(shuffled, alone[:1])
    assert (model.embedding.weight.grad is None
            and model.embedding.padding_idx == 0)


def test_models_reject_bad_input():
    with pytest.raises(ValueError, match="cell must be one of"):
        S.RecurrentClassifier("transformer", 5, 2, 2)
    with pytest.raises(ValueError, match="pooling must be one of"):
        S.RecurrentClassifier("gru", 5, 2, 2, pooling="attention")
    model = S.RecurrentClassifier("gru", 5, 2, 2)
    with pytest.raises(ValueError, match=r"time-major \(T, B\)"):
        model(torch.zeros(2, 3, 4, dtype=torch.long),
              torch.ones(3, dtype=torch.long))
    with pytest.raises(ValueError, match=r"lengths must have shape \(B,\)"):
        model(torch.zeros(2, 3, dtype=torch.long),
              torch.ones(2, dtype=torch.long))


def _toy(n, rng):
    """Label 1 when the review holds word 2, 0 when it holds word 3, amid
    noise."""
    seqs, labels = [], rng.integers(0, 2, n)
    for y in labels:
        s = list(rng.integers(4, 20, rng.integers(3, 12)))
        s.insert(int(rng.integers(0, len(s))), 2 if y else 3)
        seqs.append(s)
    return seqs, labels


def test_fit_learns_a_keyword_task_and_restores_the_best_epoch():
    rng = np.random.default_rng(0)
    train, val = _toy(400, rng), _toy(200, rng)
    torch.manual_seed(0)
    model = S.RecurrentClassifier("gru", 20, 8, 8, pooling="max_mean")
    hist = S.fit(model, train, val, epochs=4, batch_size=32, lr=1e-2, seed=0,
                 progress=False)
    assert len(hist.val_acc) == len(hist.train_loss) == len(hist.seconds) <= 4
    assert hist.best_val_acc == max(hist.val_acc) > 0.95
    assert (S.accuracy(S.predict_proba(model, val[0]), val[1])
            == hist.best_val_acc)
    assert len(hist.step_loss) == len(hist.val_acc) * 13


def test_fit_is_repeatable_and_stops_after_patience():
    rng = np.random.default_rng(1)
    train, val = _toy(200, rng), _toy(100, rng)

    def run():
        torch.manual_seed(0)
        model = S.RecurrentClassifier("lstm", 20, 4, 4, dropout=0.3)
        return S.fit(model, train, val, epochs=3, lr=1e-2, seed=3,
                     progress=False)

    assert run().val_loss == run().val_loss
    torch.manual_seed(0)
    frozen = S.MeanEmbedding(20, 4)
    hist = S.fit(frozen, train, val, epochs=6, lr=1e-12, patience=2, seed=0,
                 progress=False)
    # no gain: 1 + 2 epochs
    assert len(hist.val_acc) == 3 and hist.best_epoch == 1


def test_predict_proba_keeps_the_input_order():
    torch.manual_seed(0)
    model = S.MeanEmbedding(12, 4)
    p = S.predict_proba(model, SEQS, batch_size=2)
    each = [S.predict_proba(model, [s])[0] for s in SEQS]
    np.testing.assert_allclose(p, each, rtol=1e-6)
    acc = S.accuracy(np.array([0.9, 0.2, 0.6]), np.array([1, 1, 1]))
    assert acc == pytest.approx(2 / 3)


def test_split_train_val_is_disjoint_and_complete():
    tr, va = S.split_train_val(100, 0.2, seed=0)
    assert len(va) == 20
    assert sorted(np.concatenate([tr, va]).tolist()) == list(range(100))
    assert (S.split_train_val(100, 0.2, seed=0)[1] == va).all()
    with pytest.raises(ValueError, match="val_fraction"):
        S.split_train_val(100, 1.0, seed=0)


def test_fit_rejects_mismatched_data():
    model = S.MeanEmbedding(12, 4)
    with pytest.raises(ValueError, match="equal length"):
        S.fit(model, (SEQS, np.zeros(3)), (SEQS, np.zeros(4)), epochs=1)
