"""The graders of book/time_series: right answers pass, wrong ones fail."""

from __future__ import annotations

import math

import numpy as np
import torch

from rnnbook.graders.time_series import (
    check_gaussian_mae, check_moving_average, check_recursive_forecast,
    check_smoothed_differenced,
)


# ------------------------------------------------------------ moving average
def ma_loop(series, times, window):
    return np.array([np.mean(series[t - window:t]) for t in times])


def ma_cumsum(series, times, window):
    c = np.concatenate([[0.0], np.cumsum(series)])
    return (c[times] - c[times - window]) / window


def ma_includes_target(series, times, window):
    return np.array([np.mean(series[t - window + 1:t + 1]) for t in times])


def ma_list(series, times, window):
    return [float(np.mean(series[t - window:t])) for t in times]


def test_moving_average_right_answers_pass():
    assert check_moving_average(ma_loop)
    assert check_moving_average(ma_cumsum)
    assert check_moving_average(lambda s, t, w: torch.tensor(ma_loop(s, t, w)))


def test_moving_average_wrong_answers_fail(capsys):
    assert not check_moving_average(ma_includes_target)
    assert "not x_t itself" in capsys.readouterr().out
    assert not check_moving_average(lambda s, t, w: None)
    assert not check_moving_average(lambda s, t, w: 1 / 0)
    assert not check_moving_average(lambda s, t, w: ma_loop(s, t, w)[:-1])
    assert check_moving_average(ma_list) is False


# ---------------------------------------------- differencing + smoothed past
def smooth_loop(series, times):
    out = []
    for t in times:
        past = np.mean(series[t - 370:t - 359])
        diffs = [series[s] - series[s - 365] for s in range(t - 30, t)]
        out.append(past + np.mean(diffs))
    return np.array(out)


def smooth_window_50(series, times):
    out = []
    for t in times:
        past = np.mean(series[t - 370:t - 359])
        diffs = [series[s] - series[s - 365] for s in range(t - 50, t)]
        out.append(past + np.mean(diffs))
    return np.array(out)


def smooth_ten_values(series, times):
    return np.array([np.mean(series[t - 370:t - 360])
                     + np.mean(series[t - 30:t] - series[t - 395:t - 365])
                     for t in times])


def test_smoothed_differenced():
    assert check_smoothed_differenced(smooth_loop)
    assert not check_smoothed_differenced(smooth_window_50)
    assert not check_smoothed_differenced(smooth_ten_values)
    assert not check_smoothed_differenced(lambda s, t: "forecast")


# ------------------------------------------------------------- Gaussian MAE
def mae_ok(noise_level):
    return noise_level * math.sqrt(2 / math.pi)


def test_gaussian_mae(capsys):
    assert check_gaussian_mae(mae_ok)
    assert check_gaussian_mae(lambda nu: nu * np.sqrt(2 / np.pi))
    assert not check_gaussian_mae(lambda nu: nu)
    assert "standard deviation" in capsys.readouterr().out
    assert not check_gaussian_mae(lambda nu: nu * 2 / math.pi)
    assert not check_gaussian_mae(lambda nu: None)


# -------------------------------------------------------- recursive forecast
def recursive_loop(step, windows, horizon):
    w = np.array(windows, dtype=float)
    out = np.zeros((len(w), horizon))
    for j in range(horizon):
        out[:, j] = step(w)
        w = np.roll(w, -1, axis=1)
        w[:, -1] = out[:, j]
    return out


def recursive_no_feedback(step, windows, horizon):
    # repeats the one-step forecast: the window never moves
    y = step(windows)
    return np.repeat(y[:, None], horizon, axis=1)


def recursive_prepends(step, windows, horizon):
    w = np.array(windows, dtype=float)
    out = []
    for _ in range(horizon):
        y = step(w)
        out.append(y)
        w = np.concatenate([y[:, None], w[:, :-1]], axis=1)
    return np.stack(out, 1)


def test_recursive_forecast():
    assert check_recursive_forecast(recursive_loop)
    assert not check_recursive_forecast(recursive_no_feedback)
    assert not check_recursive_forecast(recursive_prepends)
    assert not check_recursive_forecast(
        lambda s, w, h: np.zeros((len(w), h + 1)))
