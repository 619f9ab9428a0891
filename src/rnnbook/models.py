"""Sequence models assembled from a recurrent layer and a linear read-out.

:class:`SequenceClassifier` is the many-to-one model the chapters train: a
recurrent layer reads the whole sequence and a linear layer maps the last
hidden state h_T to the outputs,

    ŷ = W_hy h_T + b_y.

The recurrent layer is ``torch.nn``'s by default, since after the
reference-implementation chapters have shown that :mod:`rnnbook.torch` computes
the same function, training experiments use the faster fused kernels. Pass
``impl="rnnbook"`` to train the from-scratch modules instead.
"""

from __future__ import annotations

import torch
from torch import nn

from . import torch as rnnbook_torch

#: The recurrent layer classes, per implementation and cell.
LAYERS = {
    "torch": {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU},
    "rnnbook": {
        "rnn": rnnbook_torch.RNN,
        "lstm": rnnbook_torch.LSTM,
        "gru": rnnbook_torch.GRU,
    },
}
CELLS = tuple(LAYERS["torch"])


def recurrent_layer(
    cell: str,
    input_size: int,
    hidden_size: int,
    *,
    impl: str = "torch",
    **kwargs,
) -> nn.Module:
    """An ``RNN``, ``LSTM`` or ``GRU`` layer from ``torch.nn`` or rnnbook.

    ``impl="torch"`` takes it from ``torch.nn``, ``impl="rnnbook"`` from
    :mod:`rnnbook.torch`; the layer is
    ``LAYERS[impl][cell](input_size, hidden_size, **kwargs)``.
    """
    if impl not in LAYERS:
        raise ValueError(f"impl must be 'torch' or 'rnnbook', got {impl!r}")
    if cell.lower() not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    return LAYERS[impl][cell.lower()](input_size, hidden_size, **kwargs)


class SequenceClassifier(nn.Module):
    """Many-to-one: a recurrent layer, then a linear map of the last state.

    Input ``x`` is time-major (T, B, D), or (B, T, D) with
    ``batch_first=True`` (passed on to the recurrent layer); the output is
    (B, output_size). For a bidirectional layer the read-out sees both
    directions' final states, [h_T (forward) ; h_1 (backward)], not
    ``output[-1]``.
    """

    def __init__(
        self,
        cell: str,
        input_size: int,
        hidden_size: int,
        output_size: int,
        *,
        impl: str = "torch",
        **kwargs,
    ):
        super().__init__()
        self.cell = cell.lower()
        self.rnn = recurrent_layer(
            cell, input_size, hidden_size, impl=impl, **kwargs
        )
        self.bidirectional = bool(kwargs.get("bidirectional", False))
        self.batch_first = bool(kwargs.get("batch_first", False))
        directions = 2 if self.bidirectional else 1
        self.head = nn.Linear(directions * hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 3:
            layout = ("(B, T, D) (batch_first=True)" if self.batch_first
                      else "(T, B, D)")
            raise ValueError(
                f"x must be {layout}, a 3-D tensor; got shape {tuple(x.shape)}"
            )
        out, state = self.rnn(x)  # out: (T, B, dirs*H) or (B, T, dirs*H)
        if not self.bidirectional:
            h_T = out[:, -1] if self.batch_first else out[-1]  # (B, H)
            return self.head(h_T)
        # out[-1]'s backward half has seen only x_T; the backward direction's
        # summary of the whole sequence is its final state, h_n[-1] (at t = 1).
        # h_n is (layers*2, B, H) whatever batch_first says.
        h_n = state[0] if isinstance(state, tuple) else state
        return self.head(torch.cat([h_n[-2], h_n[-1]], dim=-1))  # (B, 2H)
