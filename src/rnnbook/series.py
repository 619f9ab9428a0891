"""Time series for forecasting: the course's series, windows, baselines.

The synthetic series of Moroney's course "Sequences, Time Series and
Prediction" (2019) is a trend plus a yearly season plus Gaussian noise,

    x_t = baseline + slope * t
          + amplitude * psi(((t + phase) mod period) / period)
          + eps_t,        eps_t ~ N(0, noise_level^2),

    psi(u) = cos(2 pi u)  if u < 0.4,   exp(-3 u)  otherwise,

for t = 0, ..., 1460 (four years of days and one day), with baseline 10, slope
0.05, amplitude 40, period 365, phase 0, noise level 5 and the noise drawn by
``np.random.RandomState(42)``. The first 1,000 days train, the other 461
validate. Because psi has period one, the noise-free signal repeats every year
up to the trend: signal_t - signal_{t-365} = 365 * slope = 18.25 exactly.

The statistical forecasts of the course, each of x_t from values before t
(times are indices into the series, all arrays are 1-D of shape (T,)):

    naive                     x_{t-1}
    moving average over m     (1/m) sum_{k=1..m} x_{t-k}
    differencing plus past    x_{t-365} + (1/30) sum_{k=1..30} dx_{t-k}
    ... plus smoothed past    (1/11) sum_{j=-5..5} x_{t-365+j}
                              + (1/30) sum_{k=1..30} dx_{t-k}

with dx_t = x_t - x_{t-365} the series differenced at lag 365. The course's
numbers (MSE / MAE on the validation part) are 61.83 / 5.94, 106.67 / 7.14
(m = 30), 53.76 / 5.90 and 34.32 / 4.61; ``tests/test_series.py`` checks that
these definitions reproduce them to the last digit printed.

.. note::
   Accounts of the course's code differ on the window of the moving average
   of dx, 30 or 50; only the window of 30 (the mean of the last 30
   differenced values, which all lie before t) reproduces the published
   53.76 / 5.90 and 34.32 / 4.61. The smoothed past is the centred mean of the
   eleven values x_{t-370}, ..., x_{t-360}, all of them more than 359 days
   before t, so no forecast here looks at x_t or later.

The best any forecaster can do is to know the signal exactly: its error is then
the noise alone, and for Gaussian noise E|eps_t| = noise_level * sqrt(2 / pi)
(:func:`gaussian_mae`, 3.99 for a noise level of 5).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "PERIOD", "SPLIT", "seasonal_pattern", "synthetic_series", "window_inputs",
    "naive_forecast", "moving_average_forecast", "seasonal_difference",
    "mean_recent_difference",
    "differenced_forecast", "smoothed_differenced_forecast",
    "mse", "mae", "gaussian_mae",
]

#: The season's length in the course's series (days in a year).
PERIOD = 365
#: The course's split: times before it train, times from it on validate.
SPLIT = 1000


def seasonal_pattern(u):
    """The course's yearly shape psi(u) for u in [0, 1).

    A cosine, then a decay.
    """
    u = np.asarray(u, dtype=float)
    return np.where(u < 0.4, np.cos(2 * np.pi * u), np.exp(-3 * u))


def synthetic_series(n: int = 4 * 365 + 1, *, baseline: float = 10.0,
                     slope: float = 0.05, amplitude: float = 40.0,
                     period: int = PERIOD, phase: float = 0.0,
                     noise_level: float = 5.0, seed: int = 42):
    """Return ``(time, series, signal)``, three arrays of shape (n,).

    ``signal`` is the noise-free part (trend plus season); ``series`` adds
    ``noise_level * RandomState(seed).randn(n)``, the course's noise.
    """
    if n < 2:
        raise ValueError(f"n must be at least 2 time steps, got {n}")
    time = np.arange(n, dtype=float)
    season = seasonal_pattern(((time + phase) % period) / period)
    signal = baseline + slope * time + amplitude * season
    noise = np.random.RandomState(seed).randn(n) * noise_level
    return time, signal + noise, signal


def _times(series, times, earliest: int = 0) -> np.ndarray:
    """Check that ``times`` are integer indices into ``series`` with a past."""
    series = np.asarray(series)
    if series.ndim != 1:
        raise ValueError(f"series must be 1-D (T,), got shape {series.shape}")
    times = np.asarray(times)
    if times.ndim != 1 or times.dtype.kind not in "iu":
        raise ValueError(
            f"times must be a 1-D integer array, got {times!r:.60}")
    if times.size and (times.min() < earliest or times.max() >= len(series)):
        raise ValueError(
            f"times must lie in [{earliest}, {len(series) - 1}] so that "
            f"every forecast has the past it needs, got {times.min()} to "
            f"{times.max()}")
    return times


def window_inputs(series, times, offsets) -> np.ndarray:
    """The values ``series[t + o]`` for every time t and offset o.

    Returns an array of shape (n, len(offsets)), n = len(times).
    Offsets are negative (the past); ``offsets = -m, ..., -1`` gives the last
    m values before each t, the course's window, and
    ``offsets = -365 + (-K, ..., K)`` the 2K + 1 values around the same day
    one year earlier.
    """
    offsets = np.asarray(offsets)
    if (offsets.ndim != 1 or offsets.size == 0
            or offsets.dtype.kind not in "iu"):
        raise ValueError("offsets must be a non-empty 1-D integer array")
    if offsets.max() >= 0:
        raise ValueError(
            "offsets must be negative (values before t), got "
            f"{offsets.max()}: a forecast of x_t may not look at x_t or later")
    times = _times(series, times, earliest=-int(offsets.min()))
    # (n, len(offsets))
    return np.asarray(series)[times[:, None] + offsets[None, :]]


def naive_forecast(series, times) -> np.ndarray:
    """x_{t-1} for every t in ``times``: tomorrow is like today."""
    return window_inputs(series, times, np.array([-1]))[:, 0]


def moving_average_forecast(series, times, window: int) -> np.ndarray:
    """The mean of the last ``window`` values before each t."""
    if window < 1:
        raise ValueError(f"window must be a positive integer, got {window}")
    return window_inputs(series, times, np.arange(-window, 0)).mean(axis=1)


def seasonal_difference(series, lag: int = PERIOD) -> np.ndarray:
    """dx_t = x_t - x_{t-lag} for t = lag, ..., T-1: shape (T - lag,)."""
    series = np.asarray(series, dtype=float)
    if not 0 < lag < len(series):
        raise ValueError(f"lag must be in [1, {len(series) - 1}], got {lag}")
    return series[lag:] - series[:-lag]


def mean_recent_difference(series, times, *, lag: int = PERIOD,
                           window: int = 30) -> np.ndarray:
    """The recent year-on-year change, (1/window) sum_{k=1..window} dx_{t-k}.

    Here dx_s = x_s - x_{s-lag}, the series differenced at ``lag``.
    """
    series = np.asarray(series, dtype=float)
    times = _times(series, times, earliest=lag + window)
    diff = np.full(len(series), np.nan)
    diff[lag:] = seasonal_difference(series, lag)  # diff[t] = x_t - x_{t-lag}
    return moving_average_forecast(diff, times, window)


def differenced_forecast(series, times, *, lag: int = PERIOD,
                         window: int = 30) -> np.ndarray:
    """x_{t-lag} plus the mean of the last ``window`` differenced values."""
    change = mean_recent_difference(series, times, lag=lag, window=window)
    return window_inputs(series, times, np.array([-lag]))[:, 0] + change


def smoothed_differenced_forecast(series, times, *, lag: int = PERIOD,
                                  window: int = 30,
                                  half_width: int = 5) -> np.ndarray:
    """As :func:`differenced_forecast`, x_{t-lag} replaced by a centred mean.

    The past value is the mean of the 2 * half_width + 1 values
    x_{t-lag-half_width}, ..., x_{t-lag+half_width}.
    """
    if not 0 <= half_width < lag:
        raise ValueError(
            f"half_width must be in [0, {lag - 1}], got {half_width}")
    offsets = -lag + np.arange(-half_width, half_width + 1)
    past = window_inputs(series, times, offsets).mean(axis=1)
    return past + mean_recent_difference(series, times, lag=lag, window=window)


def _pair(target, forecast):
    target = np.asarray(target, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    if target.shape != forecast.shape:
        raise ValueError(f"target and forecast must have the same shape, got "
                         f"{target.shape} and {forecast.shape}")
    return target, forecast


def mse(target, forecast) -> float:
    """Mean squared error."""
    target, forecast = _pair(target, forecast)
    return float(np.mean((target - forecast) ** 2))


def mae(target, forecast) -> float:
    """Mean absolute error."""
    target, forecast = _pair(target, forecast)
    return float(np.mean(np.abs(target - forecast)))


def gaussian_mae(noise_level: float) -> float:
    """E|eps| for eps ~ N(0, noise_level^2): noise_level * sqrt(2 / pi)."""
    if noise_level < 0:
        raise ValueError(
            f"noise_level must be non-negative, got {noise_level}")
    return float(noise_level * math.sqrt(2 / math.pi))
