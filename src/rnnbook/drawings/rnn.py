"""Diagrams of the chapter "The recurrent neural network" (``book/rnn``).

``draw_folded_unrolled(T=4)``
    The simple RNN drawn twice: folded, with the hidden state fed back through
    a loop labelled W_hh, and unrolled through T steps, one column
    x_t -> h_t -> y-hat_t per step, all columns sharing W_ih, W_hh and W_hy.
``draw_task_shapes(T=4)``
    Where the read-out reads the states: many-to-one (only h_T) and
    many-to-many (every h_t), with the shapes (T, B, D) -> (B, K) and
    (T, B, D) -> (T, B, K).

Both return the Matplotlib figure; they use :mod:`rnnbook.diagram` and the
colours of :mod:`rnnbook.style` (input blue, state green, output vermillion).
The symbols are those of ``book/notation.md``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from .. import diagram
from ..style import COLORS

__all__ = ["draw_folded_unrolled", "draw_task_shapes"]


def _column(ax, cx, x_txt, h_txt, y_txt, node):
    # One step: input below, state in the middle, read-out above.
    x = diagram.box(ax, (cx, 0.7), x_txt, color=COLORS["input"], **node)
    h = diagram.box(ax, (cx, 2.7), h_txt, color=COLORS["hidden"], **node)
    y = diagram.box(ax, (cx, 4.7), y_txt, color=COLORS["output"], **node)
    diagram.arrow(
        ax,
        x.top,
        h.bottom,
        label="$W_{ih}$",
        label_offset=(-0.45, -0.1),
        color=COLORS["input"],
    )
    diagram.arrow(
        ax,
        h.top,
        y.bottom,
        label="$W_{hy}$",
        label_offset=(-0.45, -0.1),
        color=COLORS["output"],
    )
    return h


def draw_folded_unrolled(T: int = 4):
    """The RNN folded (a loop through W_hh) and unrolled for ``T`` steps."""
    node = dict(w=0.5, h=0.35)
    fig, ax = diagram.canvas(
        9.6, 3.5, xlim=(-0.4, 5.9 + 2.5 * T), ylim=(-0.3, 5.5)
    )
    # folded: the loop carries h_t back in as the h_{t-1} of the next step
    h = _column(ax, 1.2, "$x_t$", "$h_t$", r"$\hat y_t$", node)
    diagram.arrow(
        ax,
        (h.x + h.w, h.y + 0.28),
        (h.x + h.w, h.y - 0.28),
        rad=-1.9,
        color=COLORS["hidden"],
    )
    ax.text(
        h.x + h.w + 0.75,
        h.y,
        "$W_{hh}$",
        color=COLORS["hidden"],
        fontsize=9,
        va="center",
    )
    ax.text(1.2, -0.1, "folded", ha="center", va="top", style="italic")
    ax.text(3.45, 2.7, "=", fontsize=20, ha="center", va="center")
    # unrolled: one column per step, all with the same weights
    prev = diagram.box(
        ax, (4.6, 2.7), "$h_0$", color=COLORS["hidden"], dashed=True, **node
    )
    for t in range(1, T + 1):
        h = _column(
            ax, 4.3 + 2.5 * t, f"$x_{t}$", f"$h_{t}$", rf"$\hat y_{t}$", node
        )
        diagram.arrow(
            ax,
            prev.right,
            h.left,
            label="$W_{hh}$",
            label_offset=(0.0, 0.12),
            color=COLORS["hidden"],
        )
        prev = h
    ax.text(
        4.3 + 1.25 * (T + 1),
        -0.1,
        "unrolled through time: the same $W_{ih}$, $W_{hh}$, $W_{hy}$ at "
        "every step",
        ha="center",
        va="top",
        style="italic",
    )
    ax.set_title(
        "A recurrent network, folded (left) and unrolled through time (right)"
    )
    return fig


def draw_task_shapes(T: int = 4):
    """Many-to-one (read-out at the last step) beside many-to-many.

    Many-to-many has a read-out at every step.
    """
    node = dict(w=0.42, h=0.3)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.0))
    titles = (
        "many-to-one: (T, B, D) to (B, K)",
        "many-to-many: (T, B, D) to (T, B, K)",
    )
    for every_step, ax, title in zip((False, True), axes, titles):
        diagram.canvas(0, 0, xlim=(0.2, 1.9 * T + 0.9), ylim=(0.2, 5.0), ax=ax)
        prev = None
        for t in range(1, T + 1):
            cx = 1.9 * t - 0.6
            x = diagram.box(
                ax, (cx, 0.8), f"$x_{t}$", color=COLORS["input"], **node
            )
            h = diagram.box(
                ax, (cx, 2.55), f"$h_{t}$", color=COLORS["hidden"], **node
            )
            diagram.arrow(ax, x.top, h.bottom, color=COLORS["input"])
            if prev is not None:
                diagram.arrow(ax, prev.right, h.left, color=COLORS["hidden"])
            if every_step or t == T:
                y = diagram.box(
                    ax,
                    (cx, 4.3),
                    rf"$\hat y_{t}$",
                    color=COLORS["output"],
                    **node,
                )
                diagram.arrow(ax, h.top, y.bottom, color=COLORS["output"])
            prev = h
        ax.set_title(title, fontsize=10)
    fig.suptitle("Where the read-out reads the hidden states")
    return fig
