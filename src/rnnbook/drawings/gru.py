"""The drawings of the chapter "Gated recurrent unit" (``book/gru``).

``draw_gru_cell()``
    One GRU step in PyTorch's form, in the style of Olah (2015): the state line
    on top with its one product (with z_t) and one sum (with (1 - z_t) n_t),
    the gates below, and the reset gate applied to W_hn h_{t-1} + b_hn, after
    the matrix product.

It returns the Matplotlib figure, drawn with :mod:`rnnbook.diagram` in the
book's style (:mod:`rnnbook.style`).
"""

from __future__ import annotations

from rnnbook.diagram import arrow, box, canvas, circle
from rnnbook.style import COLORS

__all__ = ["draw_gru_cell"]


def draw_gru_cell():
    """One GRU step.

    The gates (sky blue) read h_{t-1} and x_t; the state (green) is
    interpolated.
    """
    fig, ax = canvas(9, 4.6, xlim=(-0.4, 13.6), ylim=(-0.7, 6.5))
    Hc, G, N = (COLORS[k] for k in ("hidden", "gate", "neutral"))
    # x_t in grey, not in the input blue, which readers with a colour-vision
    # deficiency confuse with the gates' sky blue (rnnbook.style)
    X = N
    box(
        ax,
        (6.5, 2.9),
        w=5.0,
        h=2.75,
        color=N,
        fill_alpha=0.04,
        dashed=True,
        rounding=0.3,
    )
    ys, yb, yg, ym = (
        5.0,
        0.9,
        2.6,
        3.85,
    )  # heights: state line, input line, gates, the (1 - z) line
    xz, xr, xw, xn = (
        3.0,
        4.8,
        6.9,
        9.6,
    )  # update gate, reset gate, W_hn box, candidate
    # the state path: keep z * h_{t-1}, add (1 - z) * n_t
    mul_z = circle(ax, (xz, ys), r"$\odot$", color=Hc)
    add = circle(ax, (xn, ys), "$+$", color=Hc)
    ax.text(
        0.0, ys, "$h_{t-1}$", ha="right", va="center", fontsize=12, color=Hc
    )
    ax.text(13.2, ys, "$h_t$", ha="left", va="center", fontsize=12, color=Hc)
    arrow(ax, (0.1, ys), mul_z.left, color=Hc, lw=2.6)
    arrow(ax, mul_z.right, add.left, color=Hc, lw=2.6)
    arrow(ax, add.right, (13.1, ys), color=Hc, lw=2.6)
    ax.text(
        6.3,
        ys + 0.22,
        r"state path: $h_t = z_t \odot h_{t-1} + (1 - z_t) \odot n_t$",
        ha="center",
        va="bottom",
        fontsize=9,
        color=Hc,
    )
    # h_{t-1} also goes down to the gates; x_t joins it
    arrow(ax, (0.8, ys), (0.8, yb), color=Hc, style="-")
    arrow(ax, (0.8, yb), (xw, yb), color=Hc, style="-")
    ax.text(2.0, -0.5, "$x_t$", ha="center", va="center", fontsize=12, color=X)
    arrow(ax, (2.0, -0.25), (2.0, yb), color=X)
    gz = box(
        ax, (xz, yg), r"$\sigma$", w=0.55, h=0.36, color=G, fill_alpha=0.3
    )
    gr = box(
        ax, (xr, yg), r"$\sigma$", w=0.55, h=0.36, color=G, fill_alpha=0.3
    )
    for g, name in ((gz, "z"), (gr, "r")):
        arrow(ax, (g.x, yb), g.bottom, color=N)
        ax.text(
            g.x - 0.62,
            yg - 0.32,
            f"${name}_t$",
            ha="right",
            va="center",
            fontsize=11,
        )
    # update gate: z_t to the keep product, 1 - z_t to the write product
    arrow(ax, gz.top, mul_z.bottom, color=N)
    one_minus = circle(ax, (6.3, ym), "$1-$", r=0.32, color=N, fontsize=9)
    arrow(ax, (xz, ym), one_minus.left, color=N)
    mul_n = circle(ax, (xn, ym), r"$\odot$", color=N)
    arrow(ax, one_minus.right, mul_n.left, color=N)
    arrow(ax, mul_n.top, add.bottom, color=N)
    # reset gate, applied AFTER the product: r_t * (W_hn h_{t-1} + b_hn)
    w = box(
        ax,
        (xw, 1.75),
        r"$W_{hn}h_{t-1}\!+\!b_{hn}$",
        w=0.95,
        h=0.3,
        color=Hc,
        fill_alpha=0.12,
        fontsize=8,
        rounding=0.08,
    )
    arrow(ax, (xw, yb), w.bottom, color=Hc)
    mul_r = circle(ax, (xw, yg), r"$\odot$", color=N)
    arrow(ax, w.top, mul_r.bottom, color=N)
    arrow(ax, gr.right, mul_r.left, color=N)
    gn = box(ax, (xn, yg), r"$\tanh$", w=0.55, h=0.36, color=G, fill_alpha=0.3)
    arrow(ax, mul_r.right, gn.left, color=N)
    arrow(
        ax, (2.0, 0.35), (xn, 0.35), color=X, style="-"
    )  # x_t reaches the candidate directly
    arrow(ax, (xn, 0.35), gn.bottom, color=X)
    ax.text(
        xn + 0.12,
        1.3,
        "$W_{in}x_t + b_{in}$",
        ha="left",
        va="center",
        fontsize=8,
        color=X,
    )
    ax.text(xn + 0.62, yg + 0.3, "$n_t$", ha="left", va="center", fontsize=11)
    arrow(ax, gn.top, mul_n.bottom, color=N)
    # the new state leaves as the output and as the next step's h_{t-1}
    arrow(ax, (11.8, ys), (11.8, 6.35), color=Hc)
    ax.text(
        11.95,
        6.15,
        "$h_t$ (output)",
        ha="left",
        va="center",
        fontsize=9,
        color=Hc,
    )
    ax.set_title(
        "One GRU step (PyTorch's form): the gates (sky blue) read $h_{t-1}$ "
        "and $x_t$;\nthe state (green) is interpolated"
    )
    return fig
