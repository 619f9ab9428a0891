"""Diagram of the chapter "Sentiment analysis of movie reviews"
(book/sentiment).

``draw_pipeline()`` draws the path of a review from raw text to the predicted
probability that it is positive: the text pipeline of :mod:`rnnbook.text`
(tokens, ids, a padded time-major batch with its lengths) on the top row, and
the classifier of :mod:`rnnbook.sentiment` on the bottom row (embedding, the
optional convolutional front-end, dashed, the recurrent layer with one or two
directions, pooling over the valid steps, the linear read-out). Each box names
the shape of what it outputs.
"""

from __future__ import annotations

from ..diagram import arrow, box, canvas
from ..style import COLORS

__all__ = ["draw_pipeline"]


def draw_pipeline():
    """The text pipeline and the classifier, left to right; returns the
    figure."""
    fig, ax = canvas(10, 3.6, xlim=(-0.4, 16.2), ylim=(0.3, 5.8))
    X, Hd, O, N = (COLORS["input"], COLORS["hidden"], COLORS["output"],
                   COLORS["neutral"])
    w, h = 1.3, 0.62
    top = [
        ("review text\n\"Not bad at all!<br />\"", N),
        ("tokens\nnot | bad | at | all | !", N),
        ("ids (vocabulary)\n<pad>=0, <unk>=1", X),
        ("padded batch\nids (T, B), lengths (B,)", X),
    ]
    xs_top = [1.5, 5.5, 9.5, 13.5]
    prev = None
    for (label, color), x in zip(top, xs_top):
        node = box(ax, (x, 4.9), label, w=w + 0.45, h=h, color=color,
                   fontsize=8.5)
        if prev is not None:
            arrow(ax, prev.right, node.left, color=N)
        prev = node
    bottom = [
        ("embedding\n(T, B, D)", X, False),
        ("Conv1d, ReLU,\nmax-pool of S\n(T/S, B, channels)", X, True),
        ("RNN / GRU / LSTM\nforwards, and\nbackwards if bi-\ndirectional",
         Hd, False),
        ("pool over valid\nsteps: last or\nmax and mean", Hd, False),
        ("linear, softmax\np(positive)\n(B,)", O, False),
    ]
    xs_bot = [1.5, 4.7, 8.0, 11.3, 14.6]
    first = None
    prev = None
    for (label, color, dashed), x in zip(bottom, xs_bot):
        node = box(ax, (x, 1.5), label, w=1.35, h=0.95, color=color,
                   fontsize=8.5, dashed=dashed)
        if prev is not None:
            arrow(ax, prev.right, node.left, color=N)
        first = first or node
        prev = node
    arrow(ax, (xs_top[-1], 4.9 - h), (first.x + 0.6, first.top[1]), color=N,
          rad=-0.08)
    return fig
