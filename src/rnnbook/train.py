"""A small, deterministic training loop with a progress bar.

:func:`fit` trains a model on batches drawn from a task generator (see
:mod:`rnnbook.tasks`), with Adam (Kingma and Ba 2015) and gradient clipping by
global norm (Pascanu, Mikolov and Bengio 2013), and records the loss and the
metric on a fixed evaluation batch. Every random draw comes from ``seed``:
the batches from one ``torch.Generator`` seeded with it, and dropout masks
(which ``torch.nn`` draws from the global generator) from the global generator
re-seeded with it for the duration of the run and restored afterwards, so a
run repeats exactly whatever ran before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import nn
from tqdm.auto import tqdm

from .clip import clip_grad_norm_


@dataclass
class History:
    """What :func:`fit` recorded: steps, training losses, evaluation metric."""

    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    eval_loss: list[float] = field(default_factory=list)
    eval_metric: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)

    @property
    def final_metric(self) -> float:
        return self.eval_metric[-1]

    @property
    def final_eval_loss(self) -> float:
        return self.eval_loss[-1]


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of rows whose arg-max equals the label."""
    return (logits.argmax(-1) == y).float().mean().item()


def fit(
    model: nn.Module,
    make_batch: Callable[[int, torch.Generator], tuple],
    *,
    steps: int,
    batch_size: int = 64,
    lr: float = 1e-3,
    clip: float | None = 1.0,
    task: str = "classification",
    eval_size: int = 1000,
    eval_every: int = 50,
    seed: int = 0,
    device: torch.device | str = "cpu",
    desc: str = "train",
    progress: bool = True,
) -> History:
    """Train ``model`` for ``steps`` Adam steps on fresh batches.

    Parameters
    ----------
    make_batch:
        ``make_batch(batch_size, generator) -> (x, y)`` with ``x`` time-major.
    task:
        ``"classification"`` (cross-entropy, metric = accuracy) or
        ``"regression"`` (mean squared error, metric = MSE).
    clip:
        Maximum global gradient norm, or ``None`` for no clipping.

    Returns
    -------
    History, evaluated on one fixed batch of ``eval_size`` sequences drawn
    before training starts.
    """
    if task not in ("classification", "regression"):
        raise ValueError(
            f"task must be 'classification' or 'regression', got {task!r}"
        )
    for name, value in (
        ("steps", steps),
        ("eval_every", eval_every),
        ("batch_size", batch_size),
        ("eval_size", eval_size),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(
                f"{name} must be a positive integer, got {value!r}"
            )
    device = torch.device(device)
    cuda = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed)  # dropout masks come from the global generator
        return _fit(model, make_batch, steps=steps, batch_size=batch_size,
                    lr=lr, clip=clip, task=task, eval_size=eval_size,
                    eval_every=eval_every, seed=seed, device=device,
                    desc=desc, progress=progress)


def _fit(model, make_batch, *, steps, batch_size, lr, clip, task, eval_size,
         eval_every, seed, device, desc, progress) -> History:
    gen = torch.Generator().manual_seed(seed)
    x_eval, y_eval = (t.to(device) for t in make_batch(eval_size, gen))
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = (
        nn.CrossEntropyLoss() if task == "classification" else nn.MSELoss()
    )

    def evaluate():
        model.eval()
        with torch.no_grad():
            out = (
                model(x_eval).squeeze(-1)
                if task == "regression"
                else model(x_eval)
            )
            loss = loss_fn(out, y_eval).item()
        model.train()
        metric = accuracy(out, y_eval) if task == "classification" else loss
        return loss, metric

    hist = History()
    model.train()
    bar = tqdm(
        range(1, steps + 1), desc=desc, disable=not progress, mininterval=1.0
    )
    for step in bar:
        x, y = (t.to(device) for t in make_batch(batch_size, gen))
        out = model(x)
        if task == "regression":
            out = out.squeeze(-1)
        loss = loss_fn(out, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norm = (
            clip_grad_norm_(model.parameters(), clip)
            if clip
            else _grad_norm(model)
        )
        opt.step()
        if step % eval_every == 0 or step == steps:
            eval_loss, metric = evaluate()
            hist.steps.append(step)
            hist.loss.append(loss.item())
            hist.eval_loss.append(eval_loss)
            hist.eval_metric.append(metric)
            hist.grad_norm.append(float(norm))
            bar.set_postfix(loss=f"{eval_loss:.3f}", metric=f"{metric:.3f}")
    return hist


def _grad_norm(model: nn.Module) -> float:
    norms = [p.grad.detach().norm() for p in model.parameters()
             if p.grad is not None]
    return (
        torch.linalg.vector_norm(torch.stack(norms)).item() if norms else 0.0
    )
