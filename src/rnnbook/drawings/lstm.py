"""The drawings of the chapter "Long short-term memory" (``book/lstm``).

``draw_lstm_cell()``
    One LSTM step in the style of Olah (2015): the cell-state line on top with
    its one product and one sum, the four gate blocks below, ``h_{t-1}`` and
    ``x_t`` entering at the bottom.
``draw_weight_layout()``
    How ``torch.nn.LSTM`` stacks the four gate blocks (i, f, g, o) in
    ``weight_ih``, ``weight_hh``, ``bias_ih`` and ``bias_hh``.

Both return the Matplotlib figure; they are drawn with :mod:`rnnbook.diagram`
in the book's style (:mod:`rnnbook.style`).
"""

from __future__ import annotations

from rnnbook.diagram import arrow, box, canvas, circle
from rnnbook.style import COLORS

__all__ = ["draw_lstm_cell", "draw_weight_layout"]


def draw_lstm_cell():
    """One LSTM step.

    The cell state (orange) is scaled by f_t and added to;
    h_t = o_t ⊙ tanh(c_t).
    """
    fig, ax = canvas(9, 4.6, xlim=(-0.4, 13.6), ylim=(-0.7, 6.5))
    C, Hc, G, N = (COLORS[k] for k in ("cell", "hidden", "gate", "neutral"))
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
    yc, yb, yg = (
        5.0,
        0.9,
        2.6,
    )  # heights of the cell line, the input line, the gates
    xf, xi, xg, xo, xt = 3.2, 4.8, 6.4, 8.2, 10.0
    # the cell-state path: one element-wise product and one sum per step
    mul_f = circle(ax, (xf, yc), r"$\odot$", color=C)
    add = circle(ax, (xg, yc), "$+$", color=C)
    ax.text(
        0.0, yc, "$c_{t-1}$", ha="right", va="center", fontsize=12, color=C
    )
    ax.text(13.2, yc, "$c_t$", ha="left", va="center", fontsize=12, color=C)
    arrow(ax, (0.1, yc), mul_f.left, color=C, lw=2.6)
    arrow(ax, mul_f.right, add.left, color=C, lw=2.6)
    arrow(ax, add.right, (13.1, yc), color=C, lw=2.6)
    ax.text(
        8.4,
        yc + 0.22,
        "cell state $c$: the additive path",
        ha="center",
        va="bottom",
        fontsize=9,
        color=C,
    )
    # h_{t-1} and x_t feed all four gate blocks
    ax.text(
        0.0, yb, "$h_{t-1}$", ha="right", va="center", fontsize=12, color=Hc
    )
    arrow(ax, (0.1, yb), (xo, yb), color=Hc, style="-")
    ax.text(2.2, -0.5, "$x_t$", ha="center", va="center", fontsize=12, color=X)
    arrow(ax, (2.2, -0.25), (2.2, yb), color=X)
    gate = {}
    for x, fn, name in (
        (xf, r"$\sigma$", "f"),
        (xi, r"$\sigma$", "i"),
        (xg, r"$\tanh$", "g"),
        (xo, r"$\sigma$", "o"),
    ):
        gate[name] = box(
            ax, (x, yg), fn, w=0.55, h=0.36, color=G, fill_alpha=0.3
        )
        arrow(ax, (x, yb), gate[name].bottom, color=N)
        ax.text(
            x + 0.62,
            yg - 0.32,
            f"${name}_t$",
            ha="left",
            va="center",
            fontsize=11,
        )
    arrow(ax, gate["f"].top, mul_f.bottom, color=N)  # forget: f_t * c_{t-1}
    mul_i = circle(ax, (xg, 3.85), r"$\odot$", color=N)  # write: i_t * g_t
    arrow(ax, gate["i"].top, (xi, 3.85), color=N, style="-")
    arrow(ax, (xi, 3.85), mul_i.left, color=N)
    arrow(ax, gate["g"].top, mul_i.bottom, color=N)
    arrow(ax, mul_i.top, add.bottom, color=N)
    th = box(
        ax,
        (xt, 3.85),
        r"$\tanh$",
        w=0.5,
        h=0.3,
        color=C,
        fill_alpha=0.15,
        rounding=0.25,
    )  # read: o_t * tanh(c_t)
    arrow(ax, (xt, yc), th.top, color=C)
    mul_o = circle(ax, (xt, yg), r"$\odot$", color=N)
    arrow(ax, th.bottom, mul_o.top, color=N)
    arrow(ax, gate["o"].right, mul_o.left, color=N)
    arrow(ax, mul_o.bottom, (xt, yb), color=Hc, style="-")
    arrow(ax, (xt, yb), (13.1, yb), color=Hc)
    ax.text(13.2, yb, "$h_t$", ha="left", va="center", fontsize=12, color=Hc)
    arrow(ax, (11.8, yb), (11.8, 6.35), color=Hc)
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
        "One LSTM step: the gates (sky blue) read $h_{t-1}$ and $x_t$;\n"
        "the cell state (orange) is scaled by $f_t$ and added to"
    )
    return fig


def draw_weight_layout():
    """The stacked layout of torch.nn.LSTM's weights and biases.

    weight_ih, weight_hh, bias_ih and bias_hh, four gate blocks each.
    """
    fig, ax = canvas(9, 3.4, xlim=(-0.2, 14.6), ylim=(-0.5, 5.4))
    blocks = [
        ("i", "input gate", COLORS["gate"]),
        ("f", "forget gate", COLORS["gate"]),
        ("g", "candidate", COLORS["cell"]),
        ("o", "output gate", COLORS["gate"]),
    ]
    rows = ["0:H", "H:2H", "2H:3H", "3H:4H"]
    cols = [
        (1.8, "weight_ih\n(4H, D)", "W_{i%s}", 0.9),
        (5.6, "weight_hh\n(4H, H)", "W_{h%s}", 1.3),
        (8.6, "bias_ih\n(4H,)", "b_{i%s}", 0.45),
        (10.4, "bias_hh\n(4H,)", "b_{h%s}", 0.45),
    ]
    for k, ((g, label, color), r) in enumerate(zip(blocks, rows)):
        y = 3.85 - 1.05 * k
        ax.text(
            0.0,
            y,
            r,
            ha="left",
            va="center",
            fontsize=9,
            color=COLORS["neutral"],
        )
        for x, _, sym, w in cols:
            box(
                ax,
                (x, y),
                f"${sym % g}$",
                w=w,
                h=0.47,
                color=color,
                fill_alpha=0.25,
                rounding=0.05,
                fontsize=10,
            )
        ax.text(
            11.4, y, f"{label} ${g}_t$", ha="left", va="center", fontsize=10
        )
    for x, title, _, _ in cols:
        ax.text(
            x,
            4.55,
            title,
            ha="center",
            va="bottom",
            fontsize=9,
            family="monospace",
        )
    ax.set_title(
        "torch.nn.LSTM stacks the four gate blocks along the first axis, in "
        "the order i, f, g, o"
    )
    return fig
