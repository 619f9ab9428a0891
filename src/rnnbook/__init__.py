"""rnnbook: the companion package of the executable textbook on RNNs.

Subpackages and modules (one concept each):

- :mod:`rnnbook.numpy` -- RNN, LSTM and GRU in NumPy with hand-written
  backward passes, the book's equations line for line.
- :mod:`rnnbook.fast` -- the same functions as fast NumPy kernels (the
  subject of the performance material), tested equal to
  :mod:`rnnbook.numpy`.
- :mod:`rnnbook.torch` -- ``RNN``, ``LSTM``, ``GRU`` modules, drop-in for
  ``torch.nn``.
- :mod:`rnnbook.gradcheck` -- numerical gradient checking.
- :mod:`rnnbook.clip` -- gradient clipping by value and by global norm.
- :mod:`rnnbook.runtime` -- the execution budget (quick/full), device,
  seeding (``RNNBOOK_SEED``, ``RNNBOOK_ONEDNN``) and ``claim``.
- :mod:`rnnbook.tasks` -- synthetic long-range tasks and their exact
  baselines.
- :mod:`rnnbook.models` -- ``SequenceClassifier``: a recurrent layer and a
  read-out.
- :mod:`rnnbook.train` -- ``fit``: a seeded training loop with a progress
  bar.
- :mod:`rnnbook.init` -- identity (IRNN), forget-bias, chrono and
  update-bias initialisations.
- :mod:`rnnbook.ensemble` -- many seeds and learning rates trained as one
  stacked model.
- :mod:`rnnbook.bench` -- the benchmark of the implementations against
  ``torch.nn``.
- :mod:`rnnbook.text` -- review text to padded, length-bucketed batches of
  token ids (tokenizer, ``Vocab``).
- :mod:`rnnbook.sentiment` -- review classifiers, their training loop with
  early stopping, and evaluation.
- :mod:`rnnbook.series` -- time series for forecasting: the course's
  series, windows and baselines.
- :mod:`rnnbook.forecast` -- forecasters, their training loop, the
  learning-rate range test and multi-step forecasts.
- :mod:`rnnbook.charlm` -- character-level language modelling: vocabulary,
  batches and sampling.
- :mod:`rnnbook.char_rnn_numpy` -- a character-level RNN in NumPy trained
  with truncated BPTT.
- :mod:`rnnbook.char_rnn_torch` -- a character-level language model in
  PyTorch and its training loop.
- :mod:`rnnbook.diagram` -- the primitives of the diagrams drawn by code.
- :mod:`rnnbook.drawings` -- each chapter's diagrams (cells, unrolled
  graphs), one module per chapter.
- :mod:`rnnbook.graders` -- the graders of the chapters' exercises, one
  module per chapter.
- :mod:`rnnbook.data` -- verified, atomic downloads and the book's data
  sets.
- :mod:`rnnbook.style` -- the book's figure style.
"""

__version__ = "0.1.0"
