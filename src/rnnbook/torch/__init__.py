"""``RNN``, ``LSTM`` and ``GRU`` as ``torch.nn`` modules, from the equations.

Drop-in replacements for :class:`torch.nn.RNN`, :class:`torch.nn.LSTM` and
:class:`torch.nn.GRU`: same constructor arguments, parameter names, shapes,
order and initialisation (so ``state_dict`` moves freely both ways), same
call signature and returns.  The difference is inside: no fused RNN kernel,
only tensor arithmetic in a Python time loop, so that the code reads like
the equations and autograd derives backpropagation through time.

- :mod:`rnnbook.torch.base` -- layers, directions, stacking, dropout, packed
  sequences, and the time loop (shared).
- :mod:`rnnbook.torch.rnn`  -- the Elman cell's step (tanh or ReLU).
- :mod:`rnnbook.torch.lstm` -- the LSTM cell's step (optional projection).
- :mod:`rnnbook.torch.gru`  -- the GRU cell's step.
"""

from .gru import GRU
from .lstm import LSTM
from .rnn import RNN

__all__ = ["RNN", "LSTM", "GRU"]
