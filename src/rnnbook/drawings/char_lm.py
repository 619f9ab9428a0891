"""Diagrams of "Character-level language models" (``book/char_lm``).

``draw_next_char(text)``
    The model unrolled over a short text: each character goes in, the hidden
    state carries the context to the right, and every step predicts the next
    character (the targets are the input shifted by one).
``draw_batching(n_chars, batch_size, seq_len, rng)``
    Where the batches of a long text come from: the sequential cut into
    ``batch_size`` streams read from left to right (batch k + 1 continues
    batch k in every stream), against chunks at random offsets.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from ..diagram import arrow, box, canvas
from ..style import COLORS

__all__ = ["draw_next_char", "draw_batching"]


def _show(c: str) -> str:
    return {"\n": r"\n", " ": "␣"}.get(c, c)


def draw_next_char(text: str = "dino\n", ax=None):
    """The unrolled character model on ``text``.

    It shows the inputs, the states and the predictions.
    """
    if len(text) < 2:
        raise ValueError(f"text must have at least 2 characters, got {text!r}")
    n = len(text) - 1
    dx = 2.0
    fig, ax = canvas(1.5 * n + 1.5, 3.6, xlim=(-1.6, dx * (n - 1) + 1.2),
                     ylim=(-0.6, 5.1), ax=ax)
    prev = None
    for t in range(n):
        x = dx * t
        xin = box(ax, (x, 0.3), f"'{_show(text[t])}'", color=COLORS["input"],
                  w=0.45, h=0.3, fontsize=10)
        h = box(ax, (x, 2.0), f"$h_{{{t + 1}}}$", color=COLORS["hidden"],
                w=0.5, h=0.35)
        out = box(ax, (x, 3.6), f"$p_{{{t + 1}}}$", color=COLORS["output"],
                  w=0.45, h=0.3)
        arrow(ax, xin.top, h.bottom)
        arrow(ax, h.top, out.bottom)
        ax.text(x, 4.25, f"target '{_show(text[t + 1])}'", ha="center",
                va="bottom", fontsize=9, color=COLORS["output"])
        if prev is not None:
            arrow(ax, prev.right, h.left)
        else:
            ax.text(x - 1.05, 2.0, "$h_0$", ha="center", va="center",
                    fontsize=10)
            arrow(ax, (x - 0.8, 2.0), h.left)
        prev = h
    ax.text(-1.5, 0.3, "input", ha="left", va="center", fontsize=9,
            color=COLORS["input"])
    return fig


def draw_batching(n_chars: int = 48, batch_size: int = 3, seq_len: int = 4,
                  rng: np.random.Generator | None = None, n_random: int = 2):
    """Two panels: sequential streams (top) and random offsets (bottom)."""
    if batch_size * seq_len + 1 > n_chars:
        raise ValueError(f"n_chars = {n_chars} is too short for {batch_size} "
                         f"streams of {seq_len} characters")
    rng = np.random.default_rng(0) if rng is None else rng
    L = (n_chars - 1) // batch_size
    n_batches = L // seq_len
    shades = plt.get_cmap("Greens")(np.linspace(0.35, 0.85, n_batches))
    fig, axes = plt.subplots(2, 1, figsize=(8, 3.6), layout="constrained")
    for ax in axes:
        ax.set_xlim(-0.5, n_chars + 0.5)
        ax.axis("off")
        # the text, a cell a character
        for i in range(n_chars):
            ax.add_patch(Rectangle((i, 0), 1, 1, fill=False, ec="0.6", lw=0.6))
        ax.text(-0.5, -0.7, "position in the text", fontsize=8, color="0.4")

    top = axes[0]
    top.set_ylim(-1.2, 2.6)
    top.set_title(f"sequential: {batch_size} streams of {L} characters, "
                  "batch k continues batch k - 1", fontsize=10)
    for b in range(batch_size):
        for k in range(n_batches):
            start = b * L + k * seq_len
            top.add_patch(Rectangle((start, 0), seq_len, 1, color=shades[k],
                                    alpha=0.9))
            top.text(start + seq_len / 2, 0.5, f"{k + 1}", ha="center",
                     va="center", fontsize=8, color="white")
        top.annotate("", xy=(b * L + L, 1.35), xytext=(b * L, 1.35),
                     arrowprops=dict(arrowstyle="-|>", color=COLORS["hidden"],
                                     lw=1.2))
        top.text(b * L + L / 2, 1.55, f"stream {b + 1}: state carried",
                 ha="center", va="bottom", fontsize=8, color=COLORS["hidden"])

    bottom = axes[1]
    bottom.set_ylim(-1.2, 1.4 + 1.1 * n_random)
    bottom.set_title(f"random offsets: each batch draws {batch_size} chunks "
                     "anywhere, states start at zero", fontsize=10)
    for k in range(n_random):
        starts = rng.integers(0, n_chars - seq_len, size=batch_size)
        y0 = 1.3 + 1.1 * k
        for s in starts:
            bottom.add_patch(Rectangle((s, y0), seq_len, 0.8,
                                       color=COLORS["neutral"],
                                       alpha=0.35 + 0.3 * k))
            bottom.text(s + seq_len / 2, y0 + 0.4, f"{k + 1}", ha="center",
                        va="center", fontsize=8, color="black")
            bottom.plot([s, s], [1.0, y0], color="0.6", lw=0.6)
    return fig
