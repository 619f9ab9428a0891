"""RNN, LSTM and GRU written in NumPy, with hand-written backward passes.

The code is the book's equations, line for line (notation: book/notation.md).
Every kind comes at two levels, with the same conventions:

- one step::

      rnn_cell_forward(x_t, h_prev, params, nonlinearity="tanh")
          -> (h_t, cache)
      rnn_cell_backward(dh_t, cache) -> (dx_t, dh_prev, grads)
      lstm_cell_forward(x_t, (h_prev, c_prev), params) -> ((h_t, c_t), cache)
      lstm_cell_backward((dh_t, dc_t), cache)
          -> (dx_t, (dh_prev, dc_prev), grads)
      gru_cell_forward(x_t, h_prev, params) -> (h_t, cache)
      gru_cell_backward(dh_t, cache) -> (dx_t, dh_prev, grads)

- a whole time-major sequence, a loop over the steps::

      rnn_forward(x, h0, params, nonlinearity="tanh") -> (y, h_T, cache)
      rnn_backward(dy, dh_T, cache) -> (dx, dh0, grads)
      lstm_forward(x, (h0, c0), params) -> (y, (h_T, c_T), cache)
      lstm_backward(dy, (dh_T, dc_T), cache) -> (dx, (dh0, dc0), grads)
      gru_forward(x, h0, params) -> (y, h_T, cache)
      gru_backward(dy, dh_T, cache) -> (dx, dh0, grads)

  with ``x`` (T, B, D) and ``y`` (T, B, H) the hidden state at every step.
  A state or upstream gradient given as ``None`` means zeros.

``params`` uses the names and layouts of a one-layer ``torch.nn.RNN``/``LSTM``/
``GRU`` without the ``_l0`` suffix (``weight_ih``, ``weight_hh``, ``bias_ih``,
``bias_hh``), so trained PyTorch weights load directly::

    params = params_from_torch(layer)  # layer=, reverse= pick one of a stack

``grads`` has the keys of ``params``. float32 and float64 both work; all
arrays must share one dtype. Bad shapes, keys or dtypes raise ``ValueError``
with a message giving the expected and the received value.

:mod:`rnnbook.fast` offers the same functions, with the same results, as
tuned kernels.
"""

from .gru import gru_backward, gru_cell_backward, gru_cell_forward, gru_forward
from .lstm import (
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
)
from .params import params_from_torch
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
    "params_from_torch",
]
