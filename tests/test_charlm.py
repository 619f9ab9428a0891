"""rnnbook.charlm: vocabulary, encoding, the two batchings, the split and sampling."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from rnnbook.charlm import (build_vocab, decode, encode, one_hot, random_batch,
                            sample_next, sequential_batches, train_val_split)

TEXT = "first citizen:\nbefore we proceed any further, hear me speak.\n"


def test_vocab_is_sorted_and_round_trips():
    vocab = build_vocab(TEXT)
    assert vocab == sorted(set(TEXT)) and len(vocab) == len(set(vocab))
    ids = encode(TEXT, vocab)
    assert ids.dtype == np.int64 and ids.shape == (len(TEXT),)
    assert decode(ids, vocab) == TEXT


def test_vocab_is_the_same_in_every_process():
    # set() order depends on the hash seed; sorted(set()) must not
    code = ("from rnnbook.charlm import build_vocab; "
            f"print(''.join(build_vocab({TEXT!r})))")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True,
                           text=True, env={"PYTHONHASHSEED": str(s), "PATH": ""},
                           check=True).stdout
            for s in (1, 2, 3)}
    assert len(outs) == 1


def test_bad_input_is_reported():
    vocab = build_vocab("abc")
    with pytest.raises(ValueError, match="not in the vocabulary"):
        encode("abd", vocab)
    with pytest.raises(ValueError, match="non-empty str"):
        build_vocab("")
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        decode(np.array([0, 3]), vocab)
    with pytest.raises(ValueError, match="integer ids"):
        one_hot(np.array([0.5]), 3)
    with pytest.raises(ValueError, match="too short"):
        list(sequential_batches(np.arange(10), 3, 4))
    with pytest.raises(ValueError, match="val_fraction"):
        train_val_split(np.arange(100), 1.5)


def test_one_hot():
    x = one_hot(np.array([[0, 2], [1, 1]]), 3)
    assert x.shape == (2, 2, 3)
    np.testing.assert_array_equal(x.argmax(-1), [[0, 2], [1, 1]])
    assert np.all(x.sum(-1) == 1)


def test_split_holds_out_the_tail():
    ids = np.arange(1000)
    tr, va = train_val_split(ids, 0.1)
    assert len(va) == 100 and np.array_equal(np.concatenate([tr, va]), ids)


@pytest.mark.parametrize("N,B,T", [(101, 4, 5), (64, 1, 7), (250, 8, 6)])
def test_sequential_batches_are_streams(N, B, T):
    ids = np.arange(N)
    L = (N - 1) // B
    batches = list(sequential_batches(ids, B, T))
    assert len(batches) == L // T
    for k, (x, y) in enumerate(batches):
        assert x.shape == y.shape == (T, B)
        np.testing.assert_array_equal(y, x + 1)          # next character
        for b in range(B):                               # stream b, chunk k
            np.testing.assert_array_equal(x[:, b], b * L + k * T + np.arange(T))
    # drop_last=False predicts every character of the streams exactly once
    ys = np.concatenate([y for _, y in sequential_batches(ids, B, T, drop_last=False)])
    assert ys.shape == (L, B)
    np.testing.assert_array_equal(np.sort(ys.ravel()), np.sort(
        np.concatenate([b * L + 1 + np.arange(L) for b in range(B)])))


def test_random_batch():
    ids = np.arange(500)
    rng = np.random.default_rng(0)
    x, y = random_batch(ids, 16, 9, rng)
    assert x.shape == y.shape == (9, 16)
    np.testing.assert_array_equal(np.diff(x, axis=0), 1)   # contiguous chunks
    np.testing.assert_array_equal(y, x + 1)
    x2, _ = random_batch(ids, 16, 9, np.random.default_rng(0))
    np.testing.assert_array_equal(x, x2)                   # one seed, one batch
    starts = np.concatenate([random_batch(ids, 64, 9, rng)[0][0] for _ in range(50)])
    assert starts.min() >= 0 and starts.max() <= 500 - 10


def test_sample_next_greedy_top_k_and_frequencies():
    logits = np.array([0.1, 2.0, -1.0, 1.5, 0.0])
    rng = np.random.default_rng(0)
    assert sample_next(logits, rng, temperature=0) == 1
    np.testing.assert_array_equal(sample_next(np.stack([logits, -logits]), rng, 0),
                                  [1, 2])
    draws = sample_next(np.tile(logits, (20000, 1)), rng, temperature=0.7, top_k=2)
    assert set(np.unique(draws)) == {1, 3}
    p = np.exp(np.array([2.0, 1.5]) / 0.7)
    p /= p.sum()
    assert abs(np.mean(draws == 1) - p[0]) < 5 * np.sqrt(p[0] * p[1] / 20000)
    draws = sample_next(np.tile(logits, (40000, 1)), rng, temperature=1.0)
    q = np.exp(logits) / np.exp(logits).sum()
    freq = np.bincount(draws, minlength=5) / 40000
    assert np.all(np.abs(freq - q) < 5 * np.sqrt(q * (1 - q) / 40000))
    assert sample_next(logits, rng).shape == ()
    with pytest.raises(ValueError, match="top_k"):
        sample_next(logits, rng, top_k=9)
    with pytest.raises(ValueError, match="temperature"):
        sample_next(logits, rng, temperature=-1)
