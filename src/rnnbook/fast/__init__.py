"""Fast NumPy RNN, LSTM and GRU kernels: a drop-in for :mod:`rnnbook.numpy`.

The functions have the names, signatures and results of :mod:`rnnbook.numpy`
(``rnn_forward``, ``lstm_backward``, ``gru_cell_forward``, ...), tested equal
to it and to ``torch.nn`` (``tests/test_numpy_conformance.py``), so either
module can be imported under one name::

    from rnnbook import fast as impl  # or: from rnnbook import numpy as impl
    y, h_T, cache = impl.gru_forward(x, None, params)

What makes them faster than the literal code is the subject of its own
chapter; in short, inside the time loop a NumPy call costs microseconds
whatever it computes, so the kernels make as few calls as they can:

- the input projection W_ih x_t of every step is one matrix product before
  the loop, and the weight gradients are one product after it;
- the gate arithmetic works in place in preallocated buffers (``out=``);
- the LSTM evaluates σ(a) as ½ + ½ tanh(½ a), with the ½ folded into the
  weights, and keeps its gates in the internal order (i, f, o, g), so one
  ``tanh`` call computes all four gates.

A cache from one module cannot be passed to the other's backward function
(a ``ValueError`` says so): the two keep different intermediate values.
"""

from .gru import gru_backward, gru_cell_backward, gru_cell_forward, gru_forward
from .lstm import (
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
)
from .rnn import rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward

__all__ = [
    "rnn_forward",
    "rnn_backward",
    "rnn_cell_forward",
    "rnn_cell_backward",
    "lstm_forward",
    "lstm_backward",
    "lstm_cell_forward",
    "lstm_cell_backward",
    "gru_forward",
    "gru_backward",
    "gru_cell_forward",
    "gru_cell_backward",
]
