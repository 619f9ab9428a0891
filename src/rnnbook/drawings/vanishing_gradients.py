"""Diagrams of the chapter "Vanishing and exploding gradients".

The chapter is ``book/vanishing_gradients``.

``draw_jacobian_chain()``
    The chain h_t -> h_{t+1} -> ... -> h_T -> L: forward through W_hh and phi,
    backward (dashed) through one step Jacobian J_s = diag(phi'(z_s)) W_hh per
    link, so that dh_T/dh_t = J_T J_{T-1} ... J_{t+1} (Pascanu, Mikolov and
    Bengio 2013, eqs. 3 to 5).
``draw_clipping_2d(ax=None, M=1.0)``
    Clipping a two-component gradient to the threshold M: by value projects it
    onto the box [-M, M]^2 (the direction turns), by global norm onto the disc
    of radius M (the direction is kept). It sits next to training curves of
    the RNN, so it draws in the RNN's colour and tells the clipping modes
    apart by line style, as the curves do (:data:`CLIP_LINESTYLES`).

Each returns the Matplotlib figure; they use :mod:`rnnbook.diagram` and the
colours of :mod:`rnnbook.style`. The symbols are those of ``book/notation.md``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..diagram import arrow, box, canvas
from ..style import COLORS, VARIANT_LINESTYLES, model_color

__all__ = ["draw_jacobian_chain", "draw_clipping_2d", "CLIP_LINESTYLES"]

#: One line style per clipping mode, for the diagram and the curves beside it.
CLIP_LINESTYLES = {
    "by norm": VARIANT_LINESTYLES[0],
    "by value": VARIANT_LINESTYLES[1],
    "none": VARIANT_LINESTYLES[2],
}


def draw_jacobian_chain():
    """The state chain forward, and one Jacobian per link on the way back."""
    fig, ax = canvas(9, 2.9, xlim=(0, 20.5), ylim=(-0.2, 5.6))
    xs = [1.5, 5.2, 8.9, 12.6, 16.3]
    names = ["$h_t$", "$h_{t+1}$", r"$\cdots$", "$h_{T-1}$", "$h_T$"]
    nodes = [
        box(ax, (x, 3.6), s, color=COLORS["hidden"]) for x, s in zip(xs, names)
    ]
    loss = box(ax, (19.6, 3.6), "$L$", w=0.6, color=COLORS["output"])
    for a, b in zip(nodes[:-1], nodes[1:]):
        arrow(
            ax,
            a.right,
            b.left,
            label=r"$W_{hh}$, $\phi$",
            color=COLORS["hidden"],
        )
    arrow(ax, nodes[-1].right, loss.left, color=COLORS["output"])
    jac = ["$J_{t+1}$", "$J_{t+2}$", "$J_{T-1}$", "$J_T$"]
    for a, b, s in zip(nodes[:-1], nodes[1:], jac):
        arrow(
            ax,
            (b.x - 0.3, b.y - b.h),
            (a.x + 0.3, a.y - a.h),
            rad=-0.45,
            color=COLORS["gradient"],
            dashed=True,
        )
        ax.text(
            (a.x + b.x) / 2,
            2.0,
            s,
            ha="center",
            va="center",
            color=COLORS["gradient"],
        )
    arrow(
        ax,
        (loss.x, loss.y - loss.h),
        (nodes[-1].x + 0.3, nodes[-1].y - nodes[-1].h),
        rad=-0.45,
        color=COLORS["gradient"],
        dashed=True,
    )
    ax.text(
        18.3,
        2.0,
        r"$\partial L/\partial h_T$",
        ha="center",
        va="center",
        color=COLORS["gradient"],
        fontsize=9,
    )
    ax.text(
        10.25,
        0.35,
        r"$\partial h_T/\partial h_t = J_T\,J_{T-1}\cdots J_{t+1}$,   "
        r"$J_s = \partial h_s/\partial h_{s-1}"
        r" = \mathrm{diag}(\phi'(z_s))\,W_{hh}$",
        ha="center",
        va="center",
        fontsize=11,
    )
    ax.set_title(
        "Forward: the state is carried by $W_{hh}$.  Backward: the gradient "
        "is multiplied by one Jacobian per step"
    )
    return fig


def draw_clipping_2d(ax=None, M: float = 1.0):
    """Two gradients clipped to ``M`` by value (box) and by global norm (disc).

    The raw gradients are grey; the box, the disc and the clipped gradients
    are in the RNN's colour, with the line styles of
    :data:`CLIP_LINESTYLES` (by norm solid, by value dashed).
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(4, 3.6))
    fig = ax.figure
    color = model_color("RNN")
    ls_value, ls_norm = CLIP_LINESTYLES["by value"], CLIP_LINESTYLES["by norm"]
    ax.add_patch(
        plt.Rectangle(
            (-M, -M), 2 * M, 2 * M, fill=False, ec=color, lw=1.0, ls=ls_value
        )
    )
    ax.add_patch(
        plt.Circle((0, 0), M, fill=False, ec=color, lw=1.0, ls=ls_norm)
    )
    for v in (np.array([3.0, 0.6]), np.array([1.8, 2.4])):
        by_value = np.clip(v, -M, M)
        by_norm = v * min(1, M / np.linalg.norm(v))
        for end, c, ls in (
            (v, COLORS["neutral"], "-"),
            (by_value, color, ls_value),
            (by_norm, color, ls_norm),
        ):
            ax.annotate(
                "",
                end,
                (0, 0),
                arrowprops=dict(arrowstyle="-|>", color=c, lw=1.6, ls=ls),
            )
    ax.plot([], [], color=COLORS["neutral"], label="gradient")
    ax.plot([], [], color=color, ls=ls_value, label="by value (box)")
    ax.plot([], [], color=color, ls=ls_norm, label="by norm (disc)")
    ax.set_xlim(-1.3 * M, 3.3 * M)
    ax.set_ylim(-1.3 * M, 3.0 * M)
    ax.set_aspect("equal")
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    ax.set_title(f"Clipping to $M$ = {M:g} in 2-D")
    ax.legend(
        fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2
    )
    return fig
