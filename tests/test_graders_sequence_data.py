"""The graders of book/sequence_data: right answers pass, wrong ones fail."""

from __future__ import annotations

import numpy as np
import torch

from rnnbook.graders.sequence_data import (
    check_pad_batch,
    check_sliding_windows,
)

# ----------------------------------------------------------- sliding windows


def windows_loop(series, window, horizon=1):
    if len(series) - window - horizon + 1 < 1:
        raise ValueError("series too short")
    X, y = [], []
    for i in range(len(series) - window - horizon + 1):
        X.append(series[i : i + window])
        y.append(series[i + window + horizon - 1])
    return np.array(X), np.array(y)


def windows_strided(series, window, horizon=1):
    series = np.asarray(series)
    view = np.lib.stride_tricks.sliding_window_view(
        series, window, axis=0
    )  # (N', [D,] window)
    view = np.moveaxis(view, -1, 1)
    n = len(series) - window - horizon + 1
    if n < 1:
        raise ValueError("series too short")
    return view[:n].copy(), series[window + horizon - 1 :].copy()


def windows_target_inside(
    series, window, horizon=1
):  # off by one: target is the window's last step
    X, y = windows_loop(series, window, horizon)
    return X, X[:, -1]


def windows_ignore_horizon(series, window, horizon=1):
    return windows_loop(series, window, 1)


def windows_too_many(
    series, window, horizon=1
):  # one extra window without a target
    n = len(series) - window + 1
    X = np.array([series[i : i + window] for i in range(n)])
    return X, series[window + horizon - 1 :]


def windows_no_error_when_short(
    series, window, horizon=1
):  # returns empty arrays instead
    n = max(len(series) - window - horizon + 1, 0)
    X = np.array([series[i : i + window] for i in range(n)])
    return X, series[window + horizon - 1 : window + horizon - 1 + n]


def windows_float32(series, window, horizon=1):
    X, y = windows_loop(series, window, horizon)
    return X.astype(np.float32), y.astype(np.float32)


def windows_crash(series, window, horizon=1):
    raise NotImplementedError("todo")


def test_sliding_windows_accepts_correct(capsys):
    assert check_sliding_windows(windows_loop) is True
    assert check_sliding_windows(windows_strided) is True
    assert "correct" in capsys.readouterr().out


def test_sliding_windows_rejects_wrong(capsys):
    for wrong in (
        windows_target_inside,
        windows_ignore_horizon,
        windows_too_many,
        windows_float32,
        windows_crash,
        lambda s, w, h=1: None,
    ):
        assert check_sliding_windows(wrong) is False, wrong.__name__
    out = capsys.readouterr().out
    assert (
        "not yet" in out
        and "shape" in out
        and "raised NotImplementedError" in out
    )


def test_sliding_windows_requires_value_error_when_too_short(capsys):
    assert check_sliding_windows(windows_no_error_when_short) is False
    out = capsys.readouterr().out
    assert (
        "not yet: 1 of" in out
        and "should raise ValueError" in out
        and "too short" in out
    )


# ----------------------------------------------------------- padding


def pad_loop(seqs, pad_value=0):
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    padded = np.full(
        (lengths.max(), len(seqs)), pad_value, dtype=seqs[0].dtype
    )
    for b, s in enumerate(seqs):
        padded[: len(s), b] = s
    mask = np.arange(lengths.max())[:, None] < lengths
    return padded, mask, lengths


def pad_torch(
    seqs, pad_value=0
):  # the independent oracle: torch.nn.utils.rnn.pad_sequence
    padded = torch.nn.utils.rnn.pad_sequence(
        [torch.as_tensor(s) for s in seqs], padding_value=pad_value
    )
    lengths = torch.tensor([len(s) for s in seqs])
    mask = torch.arange(padded.shape[0])[:, None] < lengths
    return padded.numpy(), mask.numpy(), lengths.numpy()


def pad_batch_major(seqs, pad_value=0):
    p, m, n = pad_loop(seqs, pad_value)
    return p.T, m.T, n


def pad_mask_inverted(seqs, pad_value=0):
    p, m, n = pad_loop(seqs, pad_value)
    return p, ~m, n


def pad_ignores_value(seqs, pad_value=0):
    return pad_loop(seqs, 0)


def pad_float_mask(seqs, pad_value=0):
    p, m, n = pad_loop(seqs, pad_value)
    return p, m.astype(np.float32), n


def pad_left(seqs, pad_value=0):  # pads at the front instead of the end
    p, m, n = pad_loop(seqs, pad_value)
    T = p.shape[0]
    for b, s in enumerate(seqs):
        p[:, b] = pad_value
        p[T - len(s) :, b] = s
    return p, m, n


def test_pad_batch_accepts_correct(capsys):
    assert check_pad_batch(pad_loop) is True
    assert check_pad_batch(pad_torch) is True
    assert "correct" in capsys.readouterr().out


def test_pad_batch_rejects_wrong(capsys):
    for wrong in (
        pad_batch_major,
        pad_mask_inverted,
        pad_ignores_value,
        pad_float_mask,
        pad_left,
        lambda seqs, pad_value=0: None,
    ):
        assert check_pad_batch(wrong) is False, wrong.__name__
    out = capsys.readouterr().out
    assert "time-major" in out and "not yet" in out


def pad_forgot_to_pad(seqs, pad_value=0):  # returns the list itself
    _, m, n = pad_loop(seqs, pad_value)
    return list(seqs), m, n


def pad_mask_from_values(
    seqs, pad_value=0
):  # wrong where a real token equals pad_value
    p, _, n = pad_loop(seqs, pad_value)
    return p, p != pad_value, n


def test_pad_batch_ragged_list_gets_a_verdict(capsys):
    assert check_pad_batch(pad_forgot_to_pad) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet") and "pad them" in out


def test_pad_batch_rejects_mask_from_pad_value(capsys):
    assert check_pad_batch(pad_mask_from_values) is False
    out = capsys.readouterr().out
    assert "mask" in out and "from the lengths" in out


def pad_int32(
    seqs, pad_value=0
):  # right values, but not the inputs' dtype (int64)
    p, m, n = pad_loop(seqs, pad_value)
    return p.astype(np.int32), m, n


def test_pad_batch_keeps_the_inputs_dtype(capsys):
    assert check_pad_batch(pad_int32) is False
    out = capsys.readouterr().out
    assert "dtype int64" in out and "int32" in out
