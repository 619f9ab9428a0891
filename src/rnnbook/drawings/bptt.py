"""Diagrams of the chapter "Backpropagation through time" (``book/bptt``).

``draw_bptt_graph(T=3)``
    The simple RNN unrolled for T steps, x_t -> z_t -> h_t -> y-hat_t -> l_t,
    with the forward arrows solid and the paths of the gradient dashed, each
    labelled with the quantity it carries (dl_t/dy-hat_t, dl_t/dh_t, delta_t,
    W_hh^T delta_t), and the gradient ``dh_T`` that may arrive after step T.
``draw_truncation(T=9, tau=3)``
    Truncated BPTT: chunks of tau steps, the state carried across every chunk
    boundary and the gradient cut there (``dh_T=None``).
``draw_teacher_forcing()``
    Training with teacher forcing (the inputs are the data) next to
    free-running generation (the inputs are the model's own outputs).

Each returns the Matplotlib figure; they use :mod:`rnnbook.diagram` and the
colours of :mod:`rnnbook.style`. The symbols are those of ``book/notation.md``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..diagram import arrow, box, canvas, circle
from ..style import COLORS

__all__ = ["draw_bptt_graph", "draw_truncation", "draw_teacher_forcing"]


def draw_bptt_graph(T: int = 3):
    """The unrolled RNN for ``T`` steps and the paths of the gradient back."""
    C, G = COLORS, COLORS["gradient"]
    dx = 3.0
    fig, ax = canvas(
        9.2, 5.6, xlim=(-0.6, 0.6 + dx * T + 2.6), ylim=(0.1, 8.9)
    )
    xs = {t: 0.6 + dx * t for t in range(T + 1)}
    Y = dict(x=0.8, z=2.5, h=4.2, yhat=5.7, l=7.2, L=8.45)
    node = dict(w=0.45, h=0.35)
    grad = dict(color=G, dashed=True, lw=1.3)
    L = box(
        ax,
        (xs[(T + 1) // 2], Y["L"]),
        r"$L=\ell_1+\dots+\ell_T$",
        color=C["output"],
        w=1.45,
        h=0.32,
        fill_alpha=0.35,
        fontsize=10,
    )
    prev = box(ax, (xs[0], Y["h"]), "$h_0$", color=C["hidden"], **node)
    for t in range(1, T + 1):
        cx = xs[t]
        x = box(ax, (cx, Y["x"]), f"$x_{t}$", color=C["input"], **node)
        z = circle(ax, (cx, Y["z"]), f"$z_{t}$", color=C["neutral"], r=0.38)
        h = box(ax, (cx, Y["h"]), f"$h_{t}$", color=C["hidden"], **node)
        yhat = box(
            ax, (cx, Y["yhat"]), rf"$\hat y_{t}$", color=C["output"], **node
        )
        ell = box(
            ax,
            (cx, Y["l"]),
            rf"$\ell_{t}$",
            color=C["output"],
            fill_alpha=0.35,
            **node,
        )

        def up(a, b, **kw):
            arrow(ax, (a[0] - 0.12, a[1]), (b[0] - 0.12, b[1]), **kw)

        def down(a, b, **kw):
            arrow(ax, (a[0] + 0.12, a[1]), (b[0] + 0.12, b[1]), **kw)

        # forward: x -> z -> h -> y-hat -> l, and h_{t-1} -> z
        up(x.top, z.bottom, label="$W_{ih}$", label_offset=(-0.45, -0.1))
        up(z.top, h.bottom, label="tanh", label_offset=(-0.45, -0.12))
        up(h.top, yhat.bottom, label="$W_{hy}$", label_offset=(-0.45, -0.12))
        up(yhat.top, ell.bottom)
        arrow(
            ax,
            (ell.top[0] - 0.12, ell.top[1]),
            (L.x + 0.45 * (t - (T + 1) / 2), L.bottom[1]),
        )
        arrow(
            ax,
            (prev.right[0], prev.right[1] - 0.1),
            (z.left[0] + 0.05, z.left[1] + 0.1),
        )
        # the label beside the arrow, off its line (normal up and right)
        ax.text(
            (prev.right[0] + z.left[0]) / 2 + 0.3,
            (prev.right[1] + z.left[1]) / 2 + 0.42,
            "$W_{hh}$",
            ha="center",
            va="center",
            fontsize=9,
            color=C["neutral"],
            bbox=dict(facecolor="white", edgecolor="none", pad=0.5),
            zorder=4,
        )
        # backward
        down(
            ell.bottom,
            yhat.top,
            label=rf"$\partial\ell_{t}/\partial\hat y_{t}$",
            label_offset=(0.72, -0.12),
            **grad,
        )
        down(
            yhat.bottom,
            h.top,
            label=rf"$\partial\ell_{t}/\partial h_{t}$",
            label_offset=(0.72, -0.12),
            **grad,
        )
        down(
            h.bottom,
            z.top,
            label=rf"$\delta_{t}$",
            label_offset=(0.35, -0.12),
            **grad,
        )
        end = (
            (prev.right[0] - 0.05, prev.right[1] - 0.42)
            if t > 1
            else (prev.bottom[0] + 0.2, prev.bottom[1])
        )
        arrow(
            ax,
            (z.left[0] + 0.02, z.left[1] - 0.28),
            end,
            label=rf"$W_{{hh}}^\top\delta_{t}$",
            label_offset=(0.0, -0.62),
            **grad,
        )
        prev = h
    xe = xs[T] + 2.1
    ax.text(
        xe,
        Y["h"] + 0.45,
        "after step $T$:\n0, or dh_T\nfrom a later chunk",
        ha="center",
        va="bottom",
        fontsize=8,
        color=G,
    )
    arrow(ax, (xe + 0.3, Y["h"]), prev.right, **grad)
    ax.plot([], [], color=C["neutral"], label="forward")
    ax.plot([], [], color=G, ls="--", label="gradient (backward)")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(f"The unrolled RNN for T = {T} and the paths of the gradient")
    return fig


def draw_truncation(T: int = 9, tau: int = 3):
    """Chunks of ``tau`` steps.

    The state crosses each boundary, the gradient does not.
    """
    C, G = COLORS, COLORS["gradient"]
    fig, ax = canvas(9, 2.9, xlim=(-0.8, 1.3 * T + 0.8), ylim=(-0.55, 2.75))
    xs = [1.3 * t for t in range(T + 1)]
    for s in range(0, T, tau):
        e = min(s + tau, T)
        ax.add_patch(
            plt.Rectangle(
                (xs[s] + 0.45, -0.45),
                xs[e] - xs[s] - 0.1,
                3.0,
                color=C["neutral"],
                alpha=0.06,
                lw=0,
            )
        )
        ax.text(
            (xs[s] + xs[e]) / 2 + 0.4,
            2.35,
            f"chunk {s // tau + 1}: steps {s + 1}..{e}",
            ha="center",
            fontsize=8.5,
            color=C["neutral"],
        )
    nodes = [
        box(
            ax,
            (xs[t], 1.1),
            f"$h_{t}$",
            color=C["hidden"],
            w=0.36,
            h=0.3,
            fontsize=10,
        )
        for t in range(T + 1)
    ]
    for t in range(1, T + 1):
        boundary = (t - 1) % tau == 0 and t > 1
        arrow(
            ax,
            (nodes[t - 1].right[0], 1.2),
            (nodes[t].left[0], 1.2),
            color=C["hidden"] if boundary else C["neutral"],
            lw=2.2 if boundary else 1.3,
        )
        mid = (xs[t - 1] + xs[t]) / 2
        if boundary:
            ax.text(
                mid,
                1.75,
                "state\ncarried",
                ha="center",
                fontsize=7.5,
                color=C["hidden"],
            )
            arrow(
                ax,
                (nodes[t].left[0], 0.95),
                (nodes[t - 1].right[0], 0.95),
                color=G,
                dashed=True,
                lw=1.0,
            )
            ax.text(
                mid,
                0.62,
                "✕",
                ha="center",
                va="center",
                fontsize=15,
                color=G,
            )
            ax.text(
                mid, 0.05, "dh_T\n= None", ha="center", fontsize=7.5, color=G
            )
        else:
            arrow(
                ax,
                (nodes[t].left[0], 0.95),
                (nodes[t - 1].right[0], 0.95),
                color=G,
                dashed=True,
            )
    ax.plot([], [], color=C["neutral"], label="forward (runs through)")
    ax.plot(
        [], [], color=G, ls="--", label="gradient (cut at chunk boundaries)"
    )
    ax.legend(
        loc="lower left", bbox_to_anchor=(0.0, -0.22), ncol=2, fontsize=8
    )
    ax.set_title(f"Truncated BPTT with chunks of τ = {tau} steps")
    return fig


def draw_teacher_forcing():
    """Teacher forcing against free running.

    With teacher forcing the inputs come from the data; running free, the
    model's own outputs are fed back as inputs.
    """
    C = COLORS
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    titles = ["Training with teacher forcing", "Generation (free running)"]
    for panel, (ax, title) in enumerate(zip(axes, titles)):
        canvas(4.5, 3.4, xlim=(-0.9, 7.6), ylim=(-0.25, 5.4), ax=ax)
        ax.set_title(title)
        prev = box(
            ax,
            (-0.35, 2.4),
            "$h_0$",
            color=C["hidden"],
            w=0.38,
            h=0.3,
            fontsize=9,
        )
        outs = []
        for j in range(3):
            cx = 1.3 + 2.3 * j
            cell = box(
                ax, (cx, 2.4), f"$h_{j + 1}$", color=C["hidden"], w=0.5, h=0.34
            )
            arrow(ax, prev.right, cell.left)
            out = box(
                ax,
                (cx, 4.1),
                rf"$\hat y_{j + 1}$",
                color=C["output"],
                w=0.42,
                h=0.3,
            )
            arrow(ax, cell.top, out.bottom)
            if panel == 0:
                ax.text(
                    cx,
                    5.0,
                    rf"loss vs $y_{j + 1}$",
                    ha="center",
                    fontsize=8,
                    color=C["output"],
                )
                label = "<s>" if j == 0 else f"$y_{j}$"
                inp = box(
                    ax,
                    (cx, 0.55),
                    label,
                    color=C["input"],
                    w=0.42,
                    h=0.3,
                    fontsize=10,
                )
                if j > 0:
                    ax.text(
                        cx,
                        0.0,
                        "from the data",
                        ha="center",
                        fontsize=7,
                        color=C["input"],
                    )
            else:
                label = "<s>" if j == 0 else rf"$\hat y_{j}$"
                inp = box(
                    ax,
                    (cx, 0.55),
                    label,
                    color=C["output"] if j else C["input"],
                    w=0.42,
                    h=0.3,
                    fontsize=10,
                )
                if j > 0:
                    arrow(
                        ax,
                        outs[-1].right,
                        (inp.left[0], inp.left[1] + 0.1),
                        color=C["output"],
                    )
            arrow(ax, inp.top, cell.bottom)
            outs.append(out)
            prev = cell
    axes[1].text(
        3.6,
        -0.2,
        "own prediction fed back as the next input",
        ha="center",
        fontsize=8,
        color=C["output"],
    )
    return fig
