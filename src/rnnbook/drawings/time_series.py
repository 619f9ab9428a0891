"""The diagram of the chapter "Time-series forecasting" (book/time_series).

:func:`draw_forecast_windows` draws what a forecaster of x_t is given: the
course's window of the last m values, and the values around the same day one
year earlier, on the synthetic series of :mod:`rnnbook.series`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..style import COLORS


def draw_forecast_windows(series, t: int, *, window: int = 20, lag: int = 365,
                          half_width: int = 10, ax=None):
    """Plot ``series`` with both windows and the target x_t.

    The plot spans t - lag - 60 to t + 30. The recent window (the last
    ``window`` values) is shaded in the input colour, the seasonal window
    (``2 * half_width + 1`` values centred on t - lag) in the hidden-state
    colour, and x_t is marked in the output colour.
    """
    series = np.asarray(series)
    if not lag + half_width < t < len(series):
        raise ValueError(
            f"t must lie in ({lag + half_width}, {len(series)}), got {t}")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.4))
    lo, hi = max(t - lag - 60, 0), min(t + 30, len(series))
    steps = np.arange(lo, hi)
    ax.plot(steps, series[lo:hi], color=COLORS["neutral"], lw=0.9,
            label="series")
    spans = [
        (t - window, t - 1, COLORS["input"],
         f"last {window} values (the course)"),
        (t - lag - half_width, t - lag + half_width, COLORS["hidden"],
         f"{2 * half_width + 1} values around t - {lag}"),
    ]
    for a, b, color, label in spans:
        ax.axvspan(a - 0.5, b + 0.5, color=color, alpha=0.25, lw=0)
        ax.plot(np.arange(a, b + 1), series[a:b + 1], "o", ms=2.5, color=color,
                label=label)
    ax.plot([t], [series[t]], "D", ms=6, color=COLORS["output"],
            label="target $x_t$")
    ax.axvline(t - lag, color=COLORS["hidden"], ls=":", lw=1)
    ax.annotate("", xy=(t, series[t]), xytext=(t - lag, series[t - lag]),
                arrowprops=dict(arrowstyle="->", color=COLORS["hidden"], lw=1,
                                connectionstyle="arc3,rad=-0.25"))
    ax.set_xlabel("time $t$ (days)")
    ax.set_ylabel("value")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax
