"""Forecasters, their training loop, the learning-rate range test, multi-step.

A forecaster reads a window of past values and predicts the next value (or,
for a direct multi-step forecaster, the next ``horizon`` values). Windows come
batch-first, as a data loader yields them: ``x`` of shape (B, m, D), m steps
of D features each (D = 1 for one series), or (B, m) for D = 1. Every model
returns (B, horizon).

The models are the five of Moroney's course "Sequences, Time Series and
Prediction" (2019), written with ``torch.nn``:

``LinearForecaster``       y_hat = W vec(x) + b               (one Dense layer)
``DenseForecaster``        two hidden ReLU layers of H units,
                           then a linear layer
``RecurrentForecaster``    an Elman RNN, LSTM or GRU over the m steps;
                           y_hat = W_hy h_m + b_y from the last hidden state
                           (many-to-one); with ``conv_channels`` a causal
                           Conv1d (kernel 3) with ReLU first, the course's
                           "Conv1D plus LSTM"

.. note::
   The recurrent layers run time-major, (m, B, D), as everywhere in the book;
   the forecaster transposes the batch-first window before the layer.

:func:`fit_forecaster` is mini-batch Adam with a cosine learning-rate decay
(Loshchilov and Hutter 2017) and a mean squared, absolute or Huber loss.
:func:`lr_range_test` is the course's learning-rate sweep (Smith 2017): the
rate grows geometrically from step to step while one records the loss.
:func:`recursive_forecast` feeds a one-step forecaster its own predictions;
a direct forecaster (``horizon > 1``) predicts all steps at once.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

__all__ = [
    "LinearForecaster", "DenseForecaster", "RecurrentForecaster",
    "fit_forecaster", "predict", "lr_range_test", "recursive_forecast",
    "direct_targets",
]

LOSSES = {
    "mse": nn.functional.mse_loss,
    "l1": nn.functional.l1_loss,
    "huber": nn.functional.huber_loss,
}


def _as_windows(x: torch.Tensor) -> torch.Tensor:
    """(B, m) or (B, m, D) -> (B, m, D); a clear error for anything else."""
    if x.dim() == 2:
        return x.unsqueeze(-1)
    if x.dim() != 3:
        raise ValueError(
            "expected windows of shape (B, m) or (B, m, D), "
            f"got {tuple(x.shape)}")
    return x


class LinearForecaster(nn.Module):
    """One linear layer on the flattened window: y_hat = W vec(x) + b."""

    def __init__(self, window: int, input_size: int = 1, horizon: int = 1):
        super().__init__()
        self.window, self.input_size = window, input_size
        self.linear = nn.Linear(window * input_size, horizon)

    def forward(self, x):
        x = _as_windows(x)
        return self.linear(x.flatten(1))  # (B, horizon)


class DenseForecaster(nn.Module):
    """Two hidden ReLU layers, then a linear read-out.

    Both hidden layers have ``hidden_size`` units.
    """

    def __init__(self, window: int, input_size: int = 1, hidden_size: int = 10,
                 horizon: int = 1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(window * input_size, hidden_size), nn.ReLU(),
            nn.Linear(hidden_size, hidden_size), nn.ReLU(),
            nn.Linear(hidden_size, horizon),
        )

    def forward(self, x):
        return self.net(_as_windows(x).flatten(1))  # (B, horizon)


class RecurrentForecaster(nn.Module):
    """A recurrent layer over the window, read out from its last hidden state.

    ``kind`` is ``"rnn"`` (tanh Elman RNN), ``"lstm"`` or ``"gru"``. With
    ``conv_channels`` a causal Conv1d(D, conv_channels, kernel 3) and a ReLU
    come first: the output at step t sees steps t-2, t-1, t only.
    """

    KINDS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

    def __init__(self, kind: str = "lstm", input_size: int = 1,
                 hidden_size: int = 32, horizon: int = 1,
                 conv_channels: int | None = None):
        super().__init__()
        if kind not in self.KINDS:
            raise ValueError(
                f"kind must be one of {sorted(self.KINDS)}, got {kind!r}")
        self.kind = kind
        self.conv = None
        if conv_channels is not None:
            self.conv = nn.Conv1d(input_size, conv_channels, kernel_size=3)
            input_size = conv_channels
        self.rnn = self.KINDS[kind](input_size, hidden_size)  # time-major
        self.head = nn.Linear(hidden_size, horizon)

    def forward(self, x):
        x = _as_windows(x)                               # (B, m, D)
        if self.conv is not None:
            # (B, D, m + 2), causal
            z = nn.functional.pad(x.transpose(1, 2), (2, 0))
            x = torch.relu(self.conv(z)).transpose(1, 2)      # (B, m, C)
        out, _ = self.rnn(x.transpose(0, 1))             # (m, B, H)
        return self.head(out[-1])                        # (B, horizon)


def _tensor(a, device=None) -> torch.Tensor:
    return torch.as_tensor(np.asarray(a, dtype=np.float32), device=device)


def fit_forecaster(model: nn.Module, X, y, *, epochs: int, lr: float = 3e-3,
                   batch_size: int = 32, loss: str = "mse",
                   weight_decay: float = 0.0, seed: int = 0, device=None,
                   progress: bool = True) -> list[float]:
    """Train ``model`` on windows ``X`` and targets ``y``.

    Windows ``X`` are (n, m[, D]), targets ``y`` (n,) or (n, horizon).
    Mini-batches are drawn without replacement, in an order fixed by ``seed``;
    Adam's learning rate decays from ``lr`` to 0 on a cosine over all steps.
    Returns the mean training loss of every epoch.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}")
    X, y = _tensor(X, device), _tensor(y, device)
    if y.dim() == 1:
        y = y.unsqueeze(1)                               # (n, 1)
    if len(X) != len(y):
        raise ValueError(
            f"X and y must have as many rows, got {len(X)} and {len(y)}")
    model.to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr,
                            weight_decay=weight_decay)
    n_batches = math.ceil(len(X) / batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for _ in tqdm(range(epochs), desc=type(model).__name__,
                  disable=not progress, leave=False):
        order = torch.randperm(len(X), generator=gen).to(X.device)
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            opt.zero_grad()
            batch_loss = LOSSES[loss](model(X[idx]), y[idx])
            batch_loss.backward()
            opt.step()
            sched.step()
            total += batch_loss.item() * len(idx)
        history.append(total / len(X))
    return history


@torch.no_grad()
def predict(model: nn.Module, X, batch_size: int = 1024) -> np.ndarray:
    """The model's forecasts for windows ``X``.

    Returns (n,) for one step, else (n, horizon).
    """
    model.eval()
    device = next(model.parameters()).device
    X = _tensor(X, device)
    out = torch.cat([model(X[i:i + batch_size])
                     for i in range(0, len(X), batch_size)])
    model.train()
    out = out.cpu().numpy()
    return out[:, 0] if out.shape[1] == 1 else out


def lr_range_test(model: nn.Module, X, y, *, lr_min: float = 1e-5,
                  lr_max: float = 1.0, steps: int = 100, batch_size: int = 32,
                  loss: str = "mse", seed: int = 0,
                  device=None) -> tuple[np.ndarray, np.ndarray]:
    """Train one step at each learning rate from ``lr_min`` up to ``lr_max``.

    Step k uses lr_min * (lr_max / lr_min) ** (k / (steps - 1)) and records the
    loss of its mini-batch. Returns ``(lrs, losses)``; the sweep stops early
    once the loss exceeds four times its lowest value (it has diverged).
    The model is changed: pass a fresh one.
    """
    if not 0 < lr_min < lr_max:
        raise ValueError(
            f"need 0 < lr_min < lr_max, got {lr_min} and {lr_max}")
    X, y = _tensor(X, device), _tensor(y, device)
    if y.dim() == 1:
        y = y.unsqueeze(1)
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr_min)
    gen = torch.Generator().manual_seed(seed)
    lrs = lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1))
    losses = []
    for k, lr in enumerate(lrs):
        for group in opt.param_groups:
            group["lr"] = float(lr)
        idx = torch.randint(len(X), (batch_size,), generator=gen).to(X.device)
        opt.zero_grad()
        batch_loss = LOSSES[loss](model(X[idx]), y[idx])
        batch_loss.backward()
        opt.step()
        losses.append(batch_loss.item())
        if not math.isfinite(losses[-1]) or losses[-1] > 4 * min(losses):
            break
    return lrs[:len(losses)], np.array(losses)


@torch.no_grad()
def recursive_forecast(model: nn.Module, windows, horizon: int) -> np.ndarray:
    """Forecast ``horizon`` steps by feeding a one-step model its own output.

    ``windows`` (B, m) holds the last m values before each forecast origin.
    Step j predicts from the window shifted by j - 1 steps, whose newest
    values are forecasts. Returns (B, horizon).
    """
    if horizon < 1:
        raise ValueError(f"horizon must be a positive integer, got {horizon}")
    model.eval()
    device = next(model.parameters()).device
    window = _tensor(windows, device)
    if window.dim() != 2:
        raise ValueError(f"windows must be (B, m), got {tuple(window.shape)}")
    steps = []
    for _ in range(horizon):
        y_hat = model(window)[:, :1]  # (B, 1): one step only
        steps.append(y_hat)
        # drop the oldest value, add the forecast
        window = torch.cat([window[:, 1:], y_hat], dim=1)
    model.train()
    return torch.cat(steps, dim=1).cpu().numpy()         # (B, horizon)


def direct_targets(series, times, horizon: int) -> np.ndarray:
    """The next ``horizon`` values from each time t: (n, horizon).

    Row i holds x_t, ..., x_{t+horizon-1} for t = times[i].
    """
    series = np.asarray(series)
    times = np.asarray(times)
    if times.size and times.max() + horizon > len(series):
        raise ValueError(
            f"the last time {times.max()} plus horizon {horizon} runs past "
            f"the series of length {len(series)}")
    return series[times[:, None] + np.arange(horizon)[None, :]]
