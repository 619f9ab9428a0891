"""rnnbook: the companion package of the executable textbook on recurrent neural networks.

Subpackages and modules (one concept each):

- :mod:`rnnbook.numpy`    -- RNN, LSTM and GRU in NumPy with hand-written backward passes.
- :mod:`rnnbook.torch`    -- ``RNN``, ``LSTM``, ``GRU`` modules, drop-in for ``torch.nn``.
- :mod:`rnnbook.gradcheck`-- numerical gradient checking.
- :mod:`rnnbook.clip`     -- gradient clipping by value and by global norm.
- :mod:`rnnbook.runtime`  -- the execution budget (quick/full), device and seeding.
- :mod:`rnnbook.data`     -- verified, atomic downloads and the book's data sets.
- :mod:`rnnbook.style`    -- the book's figure style.
"""

__version__ = "0.1.0"
