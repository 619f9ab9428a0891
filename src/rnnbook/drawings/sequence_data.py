"""Diagrams of the chapter "Sequence data" (``book/sequence_data``).

``draw_order()``
    Two rows of letter boxes: *time* as a sequence, whose neighbours depend on
    one another, and *emit*, the same letters in another order.
``draw_task_shapes()``
    The five task shapes (one-to-one, one-to-many, many-to-one, many-to-many
    aligned and unaligned) as small unrolled graphs, in the spirit of
    Karpathy's "The unreasonable effectiveness of recurrent neural networks"
    (2015): inputs below, a state carried from step to step, outputs above.

Both return the Matplotlib figure; they use :mod:`rnnbook.diagram` and the
colours of :mod:`rnnbook.style` (input blue, state green, output vermillion).
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from .. import diagram
from ..style import COLORS

__all__ = ["draw_order", "draw_task_shapes"]


def _letter_row(ax, letters, y, *, linked, label):
    # One row of boxes; arrows between neighbours mark that each step
    # depends on the last (grey: a dependence, not a state).
    nodes = [
        diagram.box(
            ax,
            (1.2 + 1.6 * i, y),
            f"${c}$",
            w=0.5,
            h=0.42,
            color=COLORS["input"],
            fontsize=13,
        )
        for i, c in enumerate(letters)
    ]
    if linked:
        for a, b in zip(nodes, nodes[1:]):
            diagram.arrow(ax, a.right, b.left, color=COLORS["neutral"])
    for i, n in enumerate(nodes):
        ax.text(
            n.x,
            y - 0.7,
            f"$x_{i + 1}$" if linked else "?",
            ha="center",
            fontsize=9,
            color=COLORS["neutral"],
        )
    ax.text(7.4, y, label, ha="left", va="center", fontsize=10)


def draw_order(first="time", second="emit"):
    """*time* as a sequence above, the same letters shuffled (*emit*) below."""
    fig, ax = diagram.canvas(7.5, 2.6, xlim=(0, 13.5), ylim=(-0.3, 3.9))
    _letter_row(
        ax,
        first,
        3.0,
        linked=True,
        label="a sequence: position $t$ and\nneighbours carry meaning",
    )
    _letter_row(
        ax,
        second,
        0.9,
        linked=False,
        label="the same letters shuffled:\nevery value kept, order lost",
    )
    ax.set_title("Order is information", fontsize=11)
    return fig


def _task(ax, n_steps, inputs, outputs, title):
    # One task shape: columns are time steps; an input and/or an output at
    # some of them.
    diagram.canvas(
        2.0, 2.6, xlim=(0, 1.3 * n_steps + 0.2), ylim=(-0.2, 4.3), ax=ax
    )
    xs = [0.75 + 1.3 * i for i in range(n_steps)]
    hs = [
        diagram.box(ax, (x, 2.0), w=0.4, h=0.35, color=COLORS["hidden"])
        for x in xs
    ]
    for a, b in zip(hs, hs[1:]):
        diagram.arrow(ax, a.right, b.left, color=COLORS["hidden"])
    for i in inputs:
        n = diagram.box(
            ax,
            (xs[i], 0.55),
            "$x$",
            w=0.4,
            h=0.32,
            color=COLORS["input"],
            fontsize=9,
        )
        diagram.arrow(ax, n.top, hs[i].bottom, color=COLORS["input"])
    for i in outputs:
        n = diagram.box(
            ax,
            (xs[i], 3.45),
            r"$\hat y$",
            w=0.4,
            h=0.32,
            color=COLORS["output"],
            fontsize=9,
        )
        diagram.arrow(ax, hs[i].top, n.bottom, color=COLORS["output"])
    ax.set_title(title, fontsize=9.5)


TASK_SHAPES = [  # (steps, input steps, output steps, title)
    (1, [0], [0], "one-to-one\n(no sequence)"),
    (4, [0], [0, 1, 2, 3], "one-to-many"),
    (4, [0, 1, 2, 3], [3], "many-to-one"),
    (4, [0, 1, 2, 3], [0, 1, 2, 3], "many-to-many,\naligned"),
    (
        6,
        [0, 1, 2],
        [3, 4, 5],
        "many-to-many, unaligned\n(encoder, then decoder)",
    ),
]


def draw_task_shapes():
    """The five task shapes side by side, each as a small unrolled graph."""
    fig, axes = plt.subplots(
        1,
        len(TASK_SHAPES),
        figsize=(10, 2.6),
        width_ratios=[1.3, 5.4, 5.4, 5.4, 8],
    )
    for ax, (n, ins, outs, title) in zip(axes, TASK_SHAPES):
        _task(ax, n, ins, outs, title)
    return fig
