"""The graders of book/char_lm accept correct answers and reject the usual mistakes."""

from __future__ import annotations

import numpy as np
import torch

from rnnbook.charlm import sample_next, sequential_batches
from rnnbook.graders.char_lm import (check_sample_next, check_sequential_batches,
                                     check_softmax_cross_entropy)


def batches_ok(ids, B, T):
    L = (len(ids) - 1) // B
    x = ids[:B * L].reshape(B, L).T
    y = ids[1:B * L + 1].reshape(B, L).T
    return [(x[s:s + T], y[s:s + T]) for s in range(0, L - T + 1, T)]


def batches_torch(ids, B, T):
    return [(torch.from_numpy(x), torch.from_numpy(y))
            for x, y in sequential_batches(ids, B, T)]


def batches_consecutive(ids, B, T):  # the usual slip: B neighbouring chunks
    n = (len(ids) - 1) // (B * T)
    return [(ids[k * B * T:(k + 1) * B * T].reshape(B, T).T,
             ids[k * B * T + 1:(k + 1) * B * T + 1].reshape(B, T).T) for k in range(n)]


def batches_batch_major(ids, B, T):
    return [(x.T, y.T) for x, y in sequential_batches(ids, B, T)]


def batches_keep_last(ids, B, T):
    return list(sequential_batches(ids, B, T, drop_last=False))


def test_sequential_batches_grader(capsys):
    assert check_sequential_batches(batches_ok) is True
    assert check_sequential_batches(batches_torch) is True
    assert check_sequential_batches(lambda ids, B, T: None) is False
    assert check_sequential_batches(batches_consecutive) is False
    assert "consecutive columns" in capsys.readouterr().out
    assert check_sequential_batches(batches_batch_major) is False
    assert "time-major" in capsys.readouterr().out
    assert check_sequential_batches(batches_keep_last) is False


def sample_ok(logits, rng, temperature, top_k):
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / temperature
    if top_k is not None:
        z = np.where(z >= np.sort(z)[-top_k], z, -np.inf)
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))


def sample_times_t(logits, rng, temperature, top_k):
    return sample_ok(logits * temperature**2, rng, temperature, top_k)


def sample_no_top_k(logits, rng, temperature, top_k):
    return sample_ok(logits, rng, temperature, None)


def test_sample_next_grader(capsys):
    assert check_sample_next(sample_ok) is True
    assert check_sample_next(lambda lg, rng, t, k: sample_next(lg, rng, t, k)) is True
    assert check_sample_next(lambda lg, rng, t, k: int(np.argmax(lg))) is False
    assert check_sample_next(sample_times_t) is False
    assert "divide" in capsys.readouterr().out
    assert check_sample_next(sample_no_top_k) is False
    assert "outside the" in capsys.readouterr().out
    assert check_sample_next(lambda lg, rng, t, k: None) is False
    # a string or a fraction is not an id, even if int() accepts it
    assert check_sample_next(
        lambda lg, rng, t, k: str(sample_ok(lg, rng, t, k))) is False
    assert "integer id" in capsys.readouterr().out
    assert check_sample_next(
        lambda lg, rng, t, k: sample_ok(lg, rng, t, k) + 0.5) is False
    assert "integer id" in capsys.readouterr().out


def xent_ok(logits, targets):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    N = len(targets)
    loss = -np.mean(log_p[np.arange(N), targets])
    d = np.exp(log_p)
    d[np.arange(N), targets] -= 1
    return loss, d / N


def xent_unstable(logits, targets):
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        N = len(targets)
        d = p.copy()
        d[np.arange(N), targets] -= 1
        return -np.mean(np.log(p[np.arange(N), targets])), d / N


def xent_sum(logits, targets):
    loss, d = xent_ok(logits, targets)
    return loss * len(targets), d * len(targets)


def xent_grad_not_divided(logits, targets):
    loss, d = xent_ok(logits, targets)
    return loss, d * len(targets)


def test_softmax_cross_entropy_grader(capsys):
    assert check_softmax_cross_entropy(xent_ok) is True
    def as_tensors(lg, t):
        return tuple(torch.from_numpy(np.asarray(a)) for a in xent_ok(lg, t))

    assert check_softmax_cross_entropy(as_tensors) is True
    assert check_softmax_cross_entropy(xent_unstable) is False
    assert "log-sum-exp" in capsys.readouterr().out
    assert check_softmax_cross_entropy(xent_sum) is False
    assert "mean" in capsys.readouterr().out
    assert check_softmax_cross_entropy(xent_grad_not_divided) is False
    assert "N times" in capsys.readouterr().out
    assert check_softmax_cross_entropy(lambda lg, t: None) is False
