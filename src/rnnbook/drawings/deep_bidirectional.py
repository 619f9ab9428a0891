"""The diagram of the chapter "Deep and bidirectional RNNs"
(``book/deep_bidirectional``).

``draw_deep_bidirectional(T=4)`` draws a two-layer bidirectional RNN
(``num_layers=2, bidirectional=True`` in ``torch.nn``) unrolled over ``T``
steps: the forward and backward chains of each layer, the concatenation of
the two states of a position, which is the layer's output and, after dropout,
the next layer's input, and the final states ``h_n`` in ``torch.nn``'s order.
Layers are numbered l = 1, 2 as in the book; ``torch.nn`` calls them ``_l0``
and ``_l1``.
"""

from __future__ import annotations

from ..diagram import arrow, box, canvas, circle
from ..style import COLORS

__all__ = ["draw_deep_bidirectional"]

# Both directions are hidden states, in the hidden-state green; the backward
# states are drawn as dashed boxes. (Orange would clash with the output's
# vermillion, and it means the LSTM's cell state in the book's diagrams.)
FWD = BWD = COLORS["hidden"]


def draw_deep_bidirectional(T: int = 4):
    """A 2-layer bidirectional RNN unrolled over ``T`` steps; the figure."""
    fig, ax = canvas(9, 6.0, xlim=(-3.0, 11.0), ylim=(-0.7, 8.6))
    X, N = COLORS["input"], COLORS["neutral"]
    xs = [1.0 + 2.4 * t for t in range(T)]
    y_in, y_c, y_out = 0.0, (3.55, 6.95), 8.05
    rows = {(1, "f"): 1.45, (1, "b"): 2.45, (2, "f"): 4.85, (2, "b"): 5.85}
    w, h = 0.45, 0.32
    cells, cats = {}, {}
    for t, x in enumerate(xs):
        sub = "T" if t == T - 1 else str(t + 1)
        xin = box(ax, (x, y_in), f"$x_{{{sub}}}$", w=0.42, h=0.3, color=X)
        for layer in (1, 2):
            f = box(
                ax,
                (x - w, rows[layer, "f"]),
                rf"$\overrightarrow{{h}}_{{{sub}}}$",
                w=w,
                h=h,
                color=FWD,
                fill_alpha=0.25,
            )
            b = box(
                ax,
                (x + w, rows[layer, "b"]),
                rf"$\overleftarrow{{h}}_{{{sub}}}$",
                w=w,
                h=h,
                color=BWD,
                fill_alpha=0.1,
                dashed=True,
            )
            cells[layer, "f", t], cells[layer, "b", t] = f, b
            c = circle(ax, (x, y_c[layer - 1]), ";", r=0.26, color=N)
            cats[layer, t] = c
            arrow(ax, f.top, (c.x - 0.2, c.y - 0.17), color=FWD)
            arrow(ax, b.top, (c.x + 0.2, c.y - 0.17), color=BWD)
        # inputs of layer 1: x_t; inputs of layer 2: the concatenation of
        # layer 1 (after dropout)
        arrow(ax, (x - w, xin.top[1]), cells[1, "f", t].bottom, color=X)
        arrow(ax, (x + w, xin.top[1]), cells[1, "b", t].bottom, color=X)
        c1 = cats[1, t]
        arrow(ax, (c1.x - 0.15, c1.y + 0.22), cells[2, "f", t].bottom, color=N)
        arrow(ax, (c1.x + 0.15, c1.y + 0.22), cells[2, "b", t].bottom, color=N)
        arrow(ax, cats[2, t].top, (x, y_out - 0.25), color=COLORS["output"])
        ax.text(
            x,
            y_out,
            f"output[{'T' if t == T - 1 else t + 1}]",
            ha="center",
            va="bottom",
            fontsize=9,
            color=COLORS["output"],
        )
    for layer in (1, 2):
        # forward recurrence left to right, backward right to left
        for t in range(T - 1):
            arrow(
                ax,
                cells[layer, "f", t].right,
                cells[layer, "f", t + 1].left,
                color=FWD,
                lw=1.6,
            )
            arrow(
                ax,
                cells[layer, "b", t + 1].left,
                cells[layer, "b", t].right,
                color=BWD,
                lw=1.6,
            )
        # final states: forward ends at t = T (right), backward at t = 1 (left)
        fT, b1 = cells[layer, "f", T - 1], cells[layer, "b", 0]
        arrow(ax, fT.right, (fT.right[0] + 1.5, fT.y), color=FWD, dashed=True)
        ax.text(
            fT.right[0] + 1.6,
            fT.y,
            f"h_n[{2 * layer - 2}]",
            va="center",
            fontsize=9,
            color=FWD,
        )
        arrow(ax, b1.left, (b1.left[0] - 0.95, b1.y), color=BWD, dashed=True)
        ax.text(
            b1.left[0] - 1.0,
            b1.y,
            f"h_n[{2 * layer - 1}]",
            va="center",
            ha="right",
            fontsize=9,
            color=BWD,
        )
        ax.text(
            -3.0,
            rows[layer, "f"],
            f"layer {layer}\nforward",
            va="center",
            fontsize=9,
            color=FWD,
        )
        ax.text(
            -3.0,
            rows[layer, "b"] + 0.35,
            f"layer {layer}\nbackward",
            va="center",
            fontsize=9,
            color=BWD,
        )
    ax.text(
        xs[0] - 1.0,
        (y_c[0] + rows[2, "f"]) / 2 + 0.1,
        "dropout",
        fontsize=8,
        color=N,
        ha="right",
        va="center",
        style="italic",
    )
    ax.text(-3.0, y_in, "input", va="center", fontsize=9, color=X)
    ax.set_title(
        "A 2-layer bidirectional RNN: num_layers=2, bidirectional=True",
        fontsize=11,
    )
    return fig
