"""The book's figure style, used by every chapter.

Call :func:`use` once (``rnnbook.runtime.setup`` does it) and draw with
Matplotlib as usual. The palette names the roles colours play in the book, so
that "input", "hidden state", "gradient" and so on look the same in every
figure and diagram.

The colours are the Okabe-Ito palette, chosen to be distinguishable with the
common forms of colour blindness.
"""

from __future__ import annotations

import matplotlib as mpl
from cycler import cycler

#: Okabe-Ito colours by role.
COLORS = {
    "input": "#0072B2",  # blue
    "hidden": "#009E73",  # green
    "output": "#D55E00",  # vermillion
    "gradient": "#CC79A7",  # reddish purple
    "cell": "#E69F00",  # orange
    "gate": "#56B4E9",  # sky blue
    "neutral": "#555555",  # dark grey
    "highlight": "#F0E442",  # yellow
}

#: Colours for the models, so that a model has one colour across chapters.
MODEL_COLORS = {
    "RNN": "#0072B2",
    "LSTM": "#D55E00",
    "GRU": "#009E73",
    "MLP": "#555555",
}

CYCLE = [
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#555555",
]

RC = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 150,  # what the inline backend renders at: sharp on the site
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.6,
    "legend.frameon": True,  # a framed legend: lines no longer run through its text
    "legend.framealpha": 0.92,
    "legend.edgecolor": "0.8",
    "legend.fancybox": False,
    "axes.prop_cycle": cycler(color=CYCLE),
    "image.cmap": "viridis",
    "figure.constrained_layout.use": True,
}


def use() -> None:
    """Apply the book's style to Matplotlib (idempotent)."""
    mpl.rcParams.update(RC)


def model_color(name: str) -> str:
    """The colour of a model (``"RNN"``, ``"LSTM"``, ``"GRU"``, ``"MLP"``)."""
    return MODEL_COLORS.get(name.upper(), COLORS["neutral"])
