"""The graders of book/sentiment accept correct answers and reject the usual
slips."""

from __future__ import annotations

from collections import Counter

import numpy as np
import torch

from rnnbook.graders.sentiment import (
    check_build_vocab,
    check_masked_pooling,
    masked_pooling_reference,
)
from rnnbook.sentiment import RecurrentClassifier


def pooling_vectorised(out, lengths):
    """A mask instead of a loop."""
    valid = (torch.arange(out.shape[0])[:, None] < lengths[None, :])[..., None]
    mx = out.masked_fill(~valid, float("-inf")).amax(0)
    mean = (out * valid).sum(0) / lengths[:, None]
    return torch.cat([mx, mean], -1)


def test_pooling_grader_accepts_correct_answers(capsys):
    assert check_masked_pooling(pooling_vectorised)
    assert check_masked_pooling(
        lambda o, n: masked_pooling_reference(o.numpy(), n.numpy()))
    assert "correct" in capsys.readouterr().out


def test_pooling_reference_equals_the_model_summary():
    """The grader's loop computes what RecurrentClassifier's "max_mean"
    does."""
    torch.manual_seed(0)
    model = RecurrentClassifier("gru", 9, 3, 4,
                                pooling="max_mean").double().eval()
    ids = torch.tensor([[2, 3], [4, 0], [5, 0]])
    lengths = torch.tensor([3, 1])
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    out, _ = model.rnn(pack_padded_sequence(model.embedding(ids), lengths))
    out, _ = pad_packed_sequence(out)
    s = masked_pooling_reference(out.detach().numpy(), lengths.numpy())
    want = model.head(torch.from_numpy(s))
    torch.testing.assert_close(model(ids, lengths), want)


def test_pooling_grader_names_the_slips(capsys):
    assert not check_masked_pooling(
        lambda o, n: torch.cat([o.amax(0), o.mean(0)], -1))
    assert ("padding after each sequence's end counts"
            in capsys.readouterr().out)
    swapped = lambda o, n: torch.cat(  # noqa: E731
        [pooling_vectorised(o, n)[:, o.shape[2]:],
         pooling_vectorised(o, n)[:, :o.shape[2]]], -1)
    assert not check_masked_pooling(swapped)
    assert "halves are swapped" in capsys.readouterr().out
    by_T = lambda o, n: torch.cat(  # noqa: E731
        [pooling_vectorised(o, n)[:, :o.shape[2]], o.mean(0)], -1)
    assert not check_masked_pooling(by_T)
    assert "divide by lengths[b]" in capsys.readouterr().out
    pad_max = lambda o, n: torch.cat(  # noqa: E731
        [o.amax(0), pooling_vectorised(o, n)[:, o.shape[2]:]], -1)
    assert not check_masked_pooling(pad_max)
    assert "must not win the max" in capsys.readouterr().out


def test_pooling_grader_reports_shapes_crashes_and_stubs(capsys):
    assert not check_masked_pooling(lambda o, n: o.amax(0))
    assert "expected shape" in capsys.readouterr().out
    assert not check_masked_pooling(lambda o, n: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not check_masked_pooling(lambda o, n: None)
    assert "stub" in capsys.readouterr().out


def build_vocab(token_lists, max_size):
    counts = Counter(t for doc in token_lists for t in doc)
    kept = sorted(counts, key=lambda t: (-counts[t], t))[: max_size - 2]
    return ["<pad>", "<unk>"] + kept


def test_vocab_grader_accepts_a_correct_answer(capsys):
    assert check_build_vocab(build_vocab)
    assert check_build_vocab(lambda docs, m: tuple(build_vocab(docs, m)))
    assert "correct" in capsys.readouterr().out


def test_vocab_grader_names_the_slips(capsys):
    assert not check_build_vocab(lambda docs, m: build_vocab(docs, m)[1:])
    assert "'<pad>' and '<unk>'" in capsys.readouterr().out
    assert not check_build_vocab(lambda docs, m: build_vocab(docs, m + 2))
    assert "counts the two special tokens" in capsys.readouterr().out

    def unstable(docs, m):
        counts = Counter(t for doc in docs for t in doc)
        return ["<pad>", "<unk>"] + [t for t, _ in counts.most_common(m - 2)]

    assert not check_build_vocab(unstable)
    out = capsys.readouterr().out
    assert "not yet" in out and "alphabetical" in out
    assert not check_build_vocab(
        lambda docs, m: np.array(build_vocab(docs, m)))
    assert "expected a list of str" in capsys.readouterr().out
