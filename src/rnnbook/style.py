"""The book's figure style, used by every chapter.

Call :func:`use` once (``rnnbook.runtime.setup`` does it) and draw with
Matplotlib as usual. The colours are the Okabe-Ito palette, chosen to be
distinguishable with the common forms of colour blindness. One colour has one
meaning, by kind of figure:

- **Diagrams** (``rnnbook.drawings``): colours are roles, :data:`COLORS`
  ("input", "hidden", "output", "gradient", "cell", "gate").
- **Plots of results**: colours are models, :data:`MODEL_COLORS`. The RNN is
  blue, the LSTM vermillion, the GRU green in every chapter; baselines and
  other non-recurrent models are grey.
- **A sweep over a setting** (a spectral radius, a clipping threshold, a
  length): shades of one sequential map, :func:`sweep_colors`, never the
  model colours, so that no hue means two things.
- **Variants of one model** (with and without clipping, one or two
  directions): the model's colour with another line style,
  :data:`VARIANT_LINESTYLES`.
- **Reference lines** (chance, a bound, a published number): :data:`REFERENCE`,
  black and dashed.

Avoid the pairs that colour-blind readers confuse (vermillion with orange,
blue with sky blue) for different things within one figure.
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
    # a framed legend: lines no longer run through its text
    "legend.frameon": True,
    "legend.framealpha": 0.92,
    "legend.edgecolor": "0.8",
    "legend.fancybox": False,
    "axes.prop_cycle": cycler(color=CYCLE),
    "image.cmap": "viridis",
    "figure.constrained_layout.use": True,
}


#: Line styles for variants of one model, drawn in the model's colour.
VARIANT_LINESTYLES = ("-", "--", ":", "-.")

#: Keyword arguments for a reference line: chance, a bound, a published number.
REFERENCE = {"color": "black", "linestyle": "--", "linewidth": 1.0}


def sweep_colors(n: int, cmap: str = "viridis") -> list:
    """``n`` colours for a sweep over one setting, dark to light.

    Shades of one sequential colour map (its too-light end is left out), so
    that the order of the setting reads from the colours and no model colour
    is reused for something else.
    """
    if n < 1:
        raise ValueError(f"sweep_colors needs n >= 1 colours, got {n}")
    import numpy as np

    return [mpl.colormaps[cmap](v) for v in np.linspace(0.0, 0.82, n)]


def use() -> None:
    """Apply the book's style to Matplotlib (idempotent)."""
    mpl.rcParams.update(RC)


def model_color(name: str) -> str:
    """The colour of a model (``"RNN"``, ``"LSTM"``, ``"GRU"``, ``"MLP"``)."""
    return MODEL_COLORS.get(name.upper(), COLORS["neutral"])
