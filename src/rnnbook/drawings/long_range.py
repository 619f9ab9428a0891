"""Drawings of the chapter "RNN, LSTM and GRU on long-range dependencies"
(``book/long_range``).

``draw_task_examples(seed, n_symbols=4, length=2)``
    One example of each of the chapter's three tasks, drawn from
    :mod:`rnnbook.tasks` with a generator seeded by ``seed``: the adding
    problem (T = 30) as bars with the two marked numbers highlighted, delayed
    recall (d = 20) and copy memory (d = 8, an alphabet of ``n_symbols``
    symbols and a string of ``length`` symbols) as their one-hot inputs,
    channels against steps.

It returns the Matplotlib figure and uses the colours of :mod:`rnnbook.style`
(input blue, output vermillion).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from ..style import COLORS
from ..tasks import adding_problem, copy_memory, delayed_recall

__all__ = ["draw_task_examples"]


def _adding(ax, gen, T):
    x, y = adding_problem(1, T, generator=gen)
    t = np.arange(1, T + 1)  # steps 1..T, as in the equations
    u, m = x[:, 0, 0].numpy(), x[:, 0, 1].numpy() > 0.5
    ax.bar(
        t[~m],
        u[~m],
        width=0.7,
        color=COLORS["neutral"],
        alpha=0.35,
        label="number $u_t$",
    )
    ax.bar(
        t[m],
        u[m],
        width=0.7,
        color=COLORS["input"],
        label="marked ($m_t = 1$)",
    )
    ax.axvline(T // 2 + 0.5, color=COLORS["neutral"], ls="--", lw=1)
    for s in t[m]:
        ax.annotate(
            f"{u[s - 1]:.2f}",
            (s, u[s - 1]),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color=COLORS["input"],
        )
    ax.set_ylim(0, 1.32)
    ax.set_xlabel("step $t$")
    ax.set_ylabel("value")
    ax.set_title(f"Adding problem, T = {T}: y = {y.item():.2f}", fontsize=10)
    ax.legend(loc="upper center", ncol=2, fontsize=8)


def _one_hot_image(ax, x, labels):
    img = x[:, 0, :].T.numpy()  # (channels, T)
    ax.imshow(
        img,
        aspect="auto",
        cmap="Greys",
        vmin=0,
        vmax=1,
        extent=(0.5, img.shape[1] + 0.5, img.shape[0] - 0.5, -0.5),
    )
    ax.set_yticks(range(len(labels)), labels)
    ax.grid(False)


def draw_task_examples(seed: int, n_symbols: int = 4, length: int = 2):
    """One example each of the adding problem, delayed recall, copy memory."""
    gen = torch.Generator().manual_seed(seed)
    fig, (ax1, ax2, ax3) = plt.subplots(
        1, 3, figsize=(12, 3.4), width_ratios=[1.3, 1, 1]
    )
    _adding(ax1, gen, T=30)

    d = 20
    x, y = delayed_recall(1, d, generator=gen)
    _one_hot_image(
        ax2, x, [f"symbol {k}" for k in range(4)] + ["not a symbol"]
    )
    ax2.set_xlabel("step $t$")
    ax2.set_title(f"Delayed recall, d = {d}: label {y.item()}", fontsize=10)

    d = 8
    x, y = copy_memory(1, d, n_symbols=n_symbols, length=length, generator=gen)
    _one_hot_image(
        ax3, x, [f"symbol {k}" for k in range(n_symbols)] + ["blank", "go"]
    )
    for t, target in enumerate(y[:, 0].tolist()):
        if target < n_symbols:  # the steps whose target is a symbol
            ax3.text(
                t + 1,
                target,
                "×",
                ha="center",
                va="center",
                color=COLORS["output"],
                fontsize=11,
            )
    ax3.set_xlabel("step $t$ (×: target symbol)")
    ax3.set_title(f"Copy memory, d = {d}, q = {length}", fontsize=10)
    return fig
