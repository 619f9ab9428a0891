"""Small drawing primitives for the book's diagrams (boxes, circles, arrows).

Every diagram in the book (the unrolled RNN, the BPTT graph, the LSTM and GRU
cells) is drawn by code from these few pieces, in data coordinates on an axes
without ticks, so that the diagrams share one look with the plots
(:mod:`rnnbook.style`).

Example::

    fig, ax = canvas(6, 2.5, xlim=(0, 12), ylim=(0, 5))
    a = box(ax, (2, 2.5), "$h_{t-1}$", color=COLORS["hidden"])
    b = box(ax, (6, 2.5), "$h_t$", color=COLORS["hidden"])
    arrow(ax, a.right, b.left, label="$W_{hh}$")
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from .style import COLORS


@dataclass
class Node:
    """A drawn node: its centre and half-sizes, with its four anchor points."""

    x: float
    y: float
    w: float
    h: float

    @property
    def left(self):
        return (self.x - self.w, self.y)

    @property
    def right(self):
        return (self.x + self.w, self.y)

    @property
    def top(self):
        return (self.x, self.y + self.h)

    @property
    def bottom(self):
        return (self.x, self.y - self.h)

    @property
    def center(self):
        return (self.x, self.y)


def canvas(width: float, height: float, *, xlim, ylim, ax=None):
    """A figure (or the given axes) with equal aspect, no ticks and no grid."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    else:
        fig = ax.figure
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def box(ax, xy, text="", *, w=0.8, h=0.5, color=COLORS["neutral"],
        fill_alpha=0.18, fontsize=11, rounding=0.12, lw=1.4,
        dashed=False) -> Node:
    """A rounded box centred at ``xy``, half-width ``w``, half-height ``h``."""
    x, y = xy
    patch = FancyBboxPatch(
        (x - w, y - h), 2 * w, 2 * h,
        boxstyle=f"round,pad=0,rounding_size={rounding}",
        facecolor=_alpha(color, fill_alpha), edgecolor=color, lw=lw,
        linestyle="--" if dashed else "-", zorder=2,
    )
    ax.add_patch(patch)
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize,
                zorder=3)
    return Node(x, y, w, h)


def circle(ax, xy, text="", *, r=0.3, color=COLORS["neutral"],
           fill_alpha=0.18, fontsize=11, lw=1.4) -> Node:
    """A circle (for point-wise operations such as ⊙ and +) at ``xy``."""
    ax.add_patch(Circle(xy, r, facecolor=_alpha(color, fill_alpha),
                        edgecolor=color, lw=lw, zorder=2))
    if text:
        ax.text(*xy, text, ha="center", va="center", fontsize=fontsize,
                zorder=3)
    return Node(xy[0], xy[1], r, r)


def arrow(ax, start, end, *, label="", color=COLORS["neutral"], lw=1.3,
          rad=0.0, label_offset=(0.0, 0.18), fontsize=9, dashed=False,
          style="-|>"):
    """An arrow from ``start`` to ``end``, optionally curved and labelled.

    ``rad`` is the curvature, as in matplotlib's ``arc3`` connection style.
    """
    ax.add_patch(FancyArrowPatch(
        start, end, arrowstyle=style, mutation_scale=11, color=color, lw=lw,
        connectionstyle=f"arc3,rad={rad}", linestyle="--" if dashed else "-",
        shrinkA=0, shrinkB=0, zorder=1,
    ))
    if label:
        mx = (start[0] + end[0]) / 2 + label_offset[0]
        my = (start[1] + end[1]) / 2 + label_offset[1]
        ax.text(mx, my, label, ha="center", va="bottom", fontsize=fontsize,
                color=color)


def _alpha(color: str, alpha: float):
    from matplotlib.colors import to_rgba

    r, g, b, _ = to_rgba(color)
    return (r, g, b, alpha)
