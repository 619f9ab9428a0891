"""rnnbook.text: tokenizer, vocabulary, truncation, padding and length
buckets."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

from rnnbook import text


def test_tokenize_removes_markup_lowercases_and_splits_punctuation():
    got = text.tokenize("Not bad.<br /><br />I LIKED it, didn't you?<BR>End")
    assert got == ["not", "bad", ".", "i", "liked", "it", ",", "didn't",
                   "you", "?", "end"]
    assert text.tokenize("  ") == []
    with pytest.raises(TypeError, match="expects a str"):
        text.tokenize(["a"])


def test_vocab_reserves_distinct_pad_and_unk_and_orders_by_count():
    docs = [["b", "a", "b", "c"], ["a", "b", "d"]]
    v = text.Vocab(docs)
    assert (v.itos[:2] == ["<pad>", "<unk>"] and text.PAD_ID == 0
            and text.UNK_ID == 1)
    # counts 3, 2, then ties alphabetical
    assert v.itos[2:] == ["b", "a", "c", "d"]
    assert v.encode(["a", "zebra"]) == [3, text.UNK_ID]
    assert v.decode([0, 1, 2]) == ["<pad>", "<unk>", "b"]
    assert len(text.Vocab(docs, max_size=4)) == 4
    assert text.Vocab(docs, min_freq=2).itos == ["<pad>", "<unk>", "b", "a"]
    assert v.coverage([["a", "zebra"]]) == 0.5


def test_vocab_is_built_from_what_it_is_given_only():
    v = text.Vocab([["train", "words"]])
    assert "test" not in v and v.encode(["test"]) == [text.UNK_ID]


def test_vocab_ignores_literal_special_tokens_in_text():
    v = text.Vocab([["<pad>", "<unk>", "x"]])
    assert v.itos == ["<pad>", "<unk>", "x"]


@pytest.mark.parametrize("bad, match", [
    (dict(max_size=1), "max_size must be at least 2"),
    (dict(min_freq=0), "min_freq must be at least 1"),
])
def test_vocab_rejects_bad_settings(bad, match):
    with pytest.raises(ValueError, match=match):
        text.Vocab([["a"]], **bad)


def test_vocab_and_encode_reject_raw_strings():
    with pytest.raises(TypeError, match="tokenize"):
        text.Vocab(["a raw string"])
    with pytest.raises(TypeError, match="tokenize"):
        text.Vocab([["a"]]).encode("a raw string")


def test_truncate_keeps_head_tail_or_both():
    ids = list(range(10))
    assert text.truncate(ids, 4, "head") == [0, 1, 2, 3]
    assert text.truncate(ids, 4, "tail") == [6, 7, 8, 9]
    assert text.truncate(ids, 5, "both") == [0, 1, 7, 8, 9]
    assert text.truncate(ids, 20, "both") == ids
    with pytest.raises(ValueError, match="keep must be"):
        text.truncate(ids, 4, "middle")
    with pytest.raises(ValueError, match="max_len must be a positive"):
        text.truncate(ids, 0)


def test_pad_batch_is_time_major_and_packs_back():
    seqs = [[5, 6, 7], [8], [9, 10]]
    ids, lengths = text.pad_batch(seqs)
    assert ids.shape == (3, 3) and lengths.tolist() == [3, 1, 2]
    assert ids[:, 1].tolist() == [8, 0, 0] and ids[:, 0].tolist() == [5, 6, 7]
    packed = pack_padded_sequence(ids, lengths, enforce_sorted=False)
    # no padding packed
    assert sorted(packed.data.tolist()) == list(range(5, 11))
    with pytest.raises(ValueError, match="at least one token"):
        text.pad_batch([[1], []])
    with pytest.raises(ValueError, match="at least one sequence"):
        text.pad_batch([])


def test_bucket_batches_cover_every_index_once_and_reduce_padding():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 500, size=1000)
    buckets = text.bucket_batches(lengths, 32,
                                  generator=np.random.default_rng(1))
    assert sorted(np.concatenate(buckets).tolist()) == list(range(1000))
    assert all(len(b) <= 32 for b in buckets)
    plain = [np.arange(i, min(i + 32, 1000)) for i in range(0, 1000, 32)]
    bucketed = text.padding_fraction(lengths, buckets)
    assert bucketed < 0.1 < text.padding_fraction(lengths, plain)
    again = text.bucket_batches(lengths, 32,
                                generator=np.random.default_rng(1))
    # seeded: repeatable
    assert all((a == b).all() for a, b in zip(buckets, again))
    ordered = text.bucket_batches(lengths, 32, shuffle=False)
    flat = np.concatenate(ordered)
    assert (np.diff(lengths[flat]) >= 0).all()
    with pytest.raises(ValueError, match="batch_size must be a positive"):
        text.bucket_batches(lengths, 0)


def test_padding_fraction_counts_pad_cells():
    lengths = np.array([1, 3])
    assert (text.padding_fraction(lengths, [np.array([0, 1])])
            == pytest.approx(2 / 6))
    ids, _ = text.pad_batch([[1], [1, 2, 3]])
    assert (ids == 0).float().mean().item() == pytest.approx(2 / 6)
