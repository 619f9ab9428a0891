"""Drawings of the chapter "The cost of recurrence" (``book/performance``).

``draw_dependency_chain(T=5, units=4)``
    The steps of a recurrent layer as columns: inside a step the B·G·H
    units (drawn as a few boxes) have no dependence on each other and could
    run at once; between steps the chain h_{t-1} -> h_t forces one step
    after another.
``draw_hoisting(T=4)``
    Where the matrix products of the forward pass happen: in the literal
    loop, two products per step; after hoisting, one large product W_ih X
    over all T·B rows before the loop and one product W_hh h_{t-1} per step.

Both return the Matplotlib figure and use the roles of :mod:`rnnbook.style`
(hidden state green, gates sky blue, inputs blue or grey) through
:mod:`rnnbook.diagram`.
"""

from __future__ import annotations

from ..diagram import arrow, box, canvas
from ..style import COLORS

__all__ = ["draw_dependency_chain", "draw_hoisting"]


def draw_dependency_chain(T: int = 5, units: int = 4):
    """Sequential between steps, parallel within a step."""
    if T < 2 or units < 1:
        raise ValueError(f"need T >= 2 and units >= 1, got {T} and {units}")
    dx = 2.6
    fig, ax = canvas(8.4, 3.9, xlim=(-1.2, dx * T + 0.2),
                     ylim=(-1.1, units * 0.75 + 2.1))
    # x_t in grey: the input blue next to the gates' sky blue is a pair
    # that colour-blind readers confuse (rnnbook.style)
    hid, gate, nt = COLORS["hidden"], COLORS["gate"], COLORS["neutral"]
    inp = nt
    top = units * 0.75 + 0.9
    prev = box(ax, (-0.45, top), "$h_0$", w=0.4, h=0.3, color=hid)
    for t in range(1, T + 1):
        x = dx * (t - 1) + 1.3
        # the parallel work of one step: independent units, no arrows
        box(ax, (x, (units * 0.75) / 2 - 0.05), w=0.95,
            h=units * 0.375 + 0.2, color=gate, fill_alpha=0.05,
            dashed=True)
        for u in range(units):
            box(ax, (x, 0.3 + 0.75 * u), w=0.7, h=0.25, color=gate,
                fontsize=8, text="$a_t$ block" if u == units - 1 else "")
        ax.text(x, -0.45, f"$x_{t}$", ha="center", va="center",
                color=inp, fontsize=11)
        arrow(ax, (x, -0.28), (x, 0.02), color=inp)
        h = box(ax, (x, top), f"$h_{t}$", w=0.4, h=0.3, color=hid)
        arrow(ax, (x, units * 0.75 + 0.08), h.bottom, color=hid)
        arrow(ax, prev.right, h.left, color=hid, lw=2.2)
        prev = h
    ax.text(dx * T / 2 + 0.3, top + 0.65,
            "one step after another: $h_t$ needs $h_{t-1}$",
            ha="center", color=hid, fontsize=10)
    ax.text(dx * T / 2 + 0.3, -0.95,
            "inside a step: $B \\cdot G \\cdot H$ independent sums, "
            "all at once", ha="center", color=nt, fontsize=10)
    return fig


def draw_hoisting(T: int = 4):
    """The products of the literal loop against the hoisted ones."""
    if T < 2:
        raise ValueError(f"need T >= 2, got {T}")
    fig, (ax1, ax2) = _two_panels()
    hid, inp, nt = COLORS["hidden"], COLORS["input"], COLORS["neutral"]
    for ax, title, hoisted in ((ax1, "literal loop", False),
                               (ax2, "hoisted", True)):
        canvas(4, 3.6, xlim=(-0.3, 1.9 * T + 0.4), ylim=(-0.6, 4.3), ax=ax)
        ax.set_title(title, fontsize=11)
        if hoisted:
            box(ax, (0.95 * T + 0.05, 0.45),
                "$W_{ih}\\,[x_1 \\dots x_T]$: one product, $T B$ rows",
                w=0.95 * T - 0.1, h=0.32, color=inp, fontsize=9)
        for t in range(1, T + 1):
            x = 1.9 * (t - 1) + 0.9
            if not hoisted:
                box(ax, (x, 0.45), f"$W_{{ih}} x_{t}$", w=0.75, h=0.32,
                    color=inp, fontsize=9)
            arrow(ax, (x, 0.78), (x, 1.55), color=inp)
            box(ax, (x, 1.9), "$W_{hh} h_{t-1}$", w=0.75, h=0.32,
                color=hid, fontsize=8)
            box(ax, (x, 3.2), f"$h_{t}$", w=0.4, h=0.3, color=hid)
            arrow(ax, (x, 2.23), (x, 2.9), color=hid)
            if t > 1:
                arrow(ax, (x - 1.5, 3.2), (x - 0.4, 3.2), color=hid)
        n = T + 1 if hoisted else 2 * T
        ax.text(0.95 * T + 0.05, -0.45, f"{n} products for T = {T}",
                ha="center", color=nt, fontsize=9)
    return fig


def _two_panels():
    import matplotlib.pyplot as plt

    return plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
