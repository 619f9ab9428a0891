"""rnnbook.series: the course's series and baselines.

Checked to the digits the course publishes.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.series import (
    SPLIT, differenced_forecast, gaussian_mae, mae, mean_recent_difference,
    moving_average_forecast, mse, naive_forecast, seasonal_difference,
    seasonal_pattern, smoothed_differenced_forecast, synthetic_series,
    window_inputs,
)


@pytest.fixture(scope="module")
def course():
    _, x, signal = synthetic_series()
    times = np.arange(SPLIT, len(x))
    return x, signal, times


def test_series_is_the_courses(course):
    x, signal, _ = course
    assert x.shape == signal.shape == (1461,)
    t = np.arange(1461)
    # the course's formula, written out independently
    u = (t % 365) / 365
    pattern = np.where(u < 0.4, np.cos(u * 2 * np.pi), 1 / np.exp(3 * u))
    want = (10 + 0.05 * t + 40 * pattern
            + np.random.RandomState(42).randn(1461) * 5)
    np.testing.assert_allclose(x, want, rtol=0, atol=1e-12)
    # the signal repeats every year up to the trend, 365 * 0.05
    np.testing.assert_allclose(signal[365:] - signal[:-365], 18.25, atol=1e-9)
    assert seasonal_pattern(0.0) == 1.0


@pytest.mark.parametrize("name, want", [
    ("naive", (61.83, 5.94)),
    ("moving average 30", (106.67, 7.14)),
    ("differencing plus past", (53.76, 5.90)),
    ("differencing plus smoothed past", (34.32, 4.61)),
])
def test_baselines_reproduce_the_course(course, name, want):
    x, _, times = course
    forecast = {
        "naive": lambda: naive_forecast(x, times),
        "moving average 30": lambda: moving_average_forecast(x, times, 30),
        "differencing plus past": lambda: differenced_forecast(x, times),
        "differencing plus smoothed past":
            lambda: smoothed_differenced_forecast(x, times),
    }[name]()
    got = (round(mse(x[times], forecast), 2),
           round(mae(x[times], forecast), 2))
    assert got == want


def test_baselines_equal_the_courses_slicing(course):
    # the course's own index arithmetic on whole arrays, as an
    # independent reference
    x, _, times = course

    def ma(series, w):
        return np.array([series[i:i + w].mean()
                         for i in range(len(series) - w)])

    np.testing.assert_allclose(naive_forecast(x, times), x[SPLIT - 1:-1])
    np.testing.assert_allclose(moving_average_forecast(x, times, 30),
                               ma(x, 30)[SPLIT - 30:])
    diff = x[365:] - x[:-365]
    diff_ma = ma(diff, 30)[SPLIT - 365 - 30:]
    np.testing.assert_allclose(differenced_forecast(x, times),
                               x[SPLIT - 365:-365] + diff_ma)
    np.testing.assert_allclose(smoothed_differenced_forecast(x, times),
                               ma(x[SPLIT - 370:-359], 11) + diff_ma)
    np.testing.assert_allclose(mean_recent_difference(x, times), diff_ma)


def test_forecasts_never_look_at_the_target(course):
    x, _, times = course
    y = x.copy()
    # change every target: no forecast of x_t may move
    y[times] += 1000.0
    for f in (lambda s: naive_forecast(s, times[:1]),
              lambda s: moving_average_forecast(s, times[:1], 30),
              lambda s: smoothed_differenced_forecast(s, times[:1])):
        assert f(x) == pytest.approx(f(y))


def test_window_inputs():
    x = np.arange(10.0)
    X = window_inputs(x, np.array([3, 9]), np.array([-3, -2, -1]))
    np.testing.assert_array_equal(X, [[0, 1, 2], [6, 7, 8]])
    with pytest.raises(ValueError, match="negative"):
        window_inputs(x, np.array([5]), np.array([-1, 0]))
    with pytest.raises(ValueError, match="lie in"):
        window_inputs(x, np.array([2]), np.array([-3]))
    with pytest.raises(ValueError, match="1-D"):
        window_inputs(x[:, None], np.array([5]), np.array([-1]))
    with pytest.raises(ValueError, match="integer"):
        window_inputs(x, np.array([5.0]), np.array([-1]))


def test_metrics_and_limit():
    assert mse([1, 2], [1, 4]) == 2.0
    assert mae([1, 2], [1, 4]) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        mae([1, 2], [1, 2, 3])
    assert gaussian_mae(5) == pytest.approx(3.9894228, abs=1e-7)
    eps = np.random.default_rng(0).normal(0, 5, 1_000_000)
    assert np.mean(np.abs(eps)) == pytest.approx(gaussian_mae(5), rel=3e-3)
    with pytest.raises(ValueError):
        gaussian_mae(-1)


def test_bad_arguments():
    x = np.arange(800.0)
    with pytest.raises(ValueError, match="window"):
        moving_average_forecast(x, np.array([10]), 0)
    with pytest.raises(ValueError, match="lag"):
        seasonal_difference(x, 0)
    with pytest.raises(ValueError, match="half_width"):
        smoothed_differenced_forecast(x, np.array([700]), half_width=400)
    with pytest.raises(ValueError, match="at least"):
        synthetic_series(1)
