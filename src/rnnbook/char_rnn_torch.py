"""A character-level language model in PyTorch.

An embedding, a recurrent layer and a read-out: the model of Karpathy's
char-rnn (2015) with the regularisation that a small data set needs. For a
batch of character ids x (T, B):

    e_t = dropout(E[x_t])            (B, D)   embedding, D = embedding_dim
    h_t = cell(e_t, h_{t-1})         (B, H)   torch.nn.RNN, LSTM or GRU
    ŷ_t = W_hy dropout(h_t) + b_y    (B, V)   logits of the next character

trained on the mean cross-entropy of the next character (nats per character).

:func:`train` is the training loop: AdamW (Loshchilov and Hutter 2019) with
weight decay on the matrices only, a linear warm-up and a cosine decay of the
learning rate to ``min_lr_ratio`` of its peak by the last step, and clipping of
the global gradient norm (:func:`rnnbook.clip.clip_grad_norm_`). Batches come
from :mod:`rnnbook.charlm`: with ``stateful=True`` consecutive batches continue
each other (:func:`~rnnbook.charlm.sequential_batches`) and the hidden state is
carried across them, detached (truncated BPTT); with ``stateful=False`` every
batch is drawn at random offsets (:func:`~rnnbook.charlm.random_batch`) and
starts from zeros. Training is bounded by a number of steps, not by time, so
that a run is the same on every machine.

:func:`evaluate` gives the loss per character of a whole held-out text, read as
``batch_size`` streams with the state carried, so that every character but the
first of each stream is predicted with the context before it.
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch
from torch import nn

from .charlm import random_batch, sample_next, sequential_batches
from .clip import clip_grad_norm_

__all__ = ["CharLM", "evaluate", "lr_at", "train", "generate"]


class CharLM(nn.Module):
    """An embedding, one recurrent layer and a read-out.

    ``mode`` is the recurrent layer: rnn, lstm or gru.
    """

    def __init__(self, V: int, mode: str = "lstm", hidden_size: int = 512,
                 embedding_dim: int = 64, dropout: float = 0.0):
        super().__init__()
        layers = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
        if mode not in layers:
            raise ValueError(f"mode must be one of {sorted(layers)}, "
                             f"got {mode!r}")
        self.mode = mode
        self.embedding = nn.Embedding(V, embedding_dim)
        self.drop = nn.Dropout(dropout)
        self.rnn = layers[mode](embedding_dim, hidden_size)
        self.out = nn.Linear(hidden_size, V)

    def forward(self, x, state=None):
        """x (T, B) ids -> logits (T, B, V) and the last state."""
        if x.dim() != 2 or x.dtype != torch.long:
            raise ValueError(f"x must be a (T, B) tensor of int64 ids, "
                             f"got shape {tuple(x.shape)}, dtype {x.dtype}")
        e = self.drop(self.embedding(x))                 # (T, B, D)
        h, state = self.rnn(e, state)                    # (T, B, H)
        return self.out(self.drop(h)), state             # (T, B, V)


def _detach(state):
    if state is None:
        return None
    if isinstance(state, tuple):                        # the LSTM's (h, c)
        return tuple(s.detach() for s in state)
    return state.detach()


@torch.no_grad()
def evaluate(model, ids, batch_size: int = 32, seq_len: int = 256,
             device="cpu") -> float:
    """Mean cross-entropy of ``model`` on the text ``ids``.

    In nats per character.
    """
    was_training = model.training
    model.eval()
    total, count, state = 0.0, 0, None
    for x, y in sequential_batches(ids, batch_size, seq_len, drop_last=False):
        x = torch.from_numpy(x).to(device)
        y = torch.from_numpy(y).to(device)
        logits, state = model(x, state)
        total += nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
            reduction="sum").item()
        count += y.numel()
    model.train(was_training)
    return total / count


def lr_at(step: int, steps: int, lr: float, warmup: int,
          min_lr_ratio: float) -> float:
    """A linear warm-up over ``warmup`` steps, then a cosine decay.

    The cosine goes from ``lr`` down to ``min_lr_ratio·lr``.
    """
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - 1 - warmup)          # 0 .. 1
    cosine = 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))     # 1 .. 0
    return lr * (min_lr_ratio + (1 - min_lr_ratio) * cosine)


def train(model, train_ids, *, steps: int, batch_size: int, seq_len: int,
          lr: float = 3e-3, weight_decay: float = 0.1, warmup: int = 50,
          min_lr_ratio: float = 0.02, clip: float = 1.0, stateful: bool = True,
          seed: int = 0, device="cpu", val_ids=None,
          eval_every: int | None = None, progress=None) -> dict:
    """Train ``model`` for ``steps`` steps; return the history.

    ``progress`` is a tqdm-like callable (e.g. ``tqdm.auto.tqdm``) or None.
    The history holds ``loss`` (the training loss of every step, on the batch
    it was trained on, with dropout on), ``val_step`` and ``val_loss`` (the
    loss of ``val_ids`` every ``eval_every`` steps and after the last) and
    ``seconds`` (the training time, evaluations excluded).
    """
    model.to(device).train()
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    vectors = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": matrices, "weight_decay": weight_decay},
         {"params": vectors, "weight_decay": 0.0}], lr=lr)
    rng = np.random.default_rng(seed)
    batches, state = None, None
    hist = {"loss": [], "val_step": [], "val_loss": [], "seconds": 0.0}
    bar = (progress(total=steps, desc=f"{model.mode} training") if progress
           else None)
    start = time.perf_counter()
    for step in range(steps):
        if stateful:
            batch = next(batches, None) if batches is not None else None
            # a new pass over the text
            if batch is None:
                batches = sequential_batches(train_ids, batch_size, seq_len)
                batch, state = next(batches), None
            # truncated BPTT
            state = _detach(state)
        else:
            batch, state = (random_batch(train_ids, batch_size, seq_len, rng),
                            None)
        x, y = (torch.from_numpy(a).to(device) for a in batch)
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, lr, warmup, min_lr_ratio)
        logits, state = model(x, state)
        loss = nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        clip_grad_norm_(model.parameters(), clip)
        opt.step()
        hist["loss"].append(loss.item())
        last = step == steps - 1
        due = bool(eval_every) and (step + 1) % eval_every == 0
        if val_ids is not None and (due or last):
            hist["seconds"] += time.perf_counter() - start
            hist["val_step"].append(step + 1)
            hist["val_loss"].append(evaluate(model, val_ids, device=device))
            start = time.perf_counter()
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
    hist["seconds"] += time.perf_counter() - start
    if bar is not None:
        bar.close()
    return hist


@torch.no_grad()
def generate(model, prompt_ids, n: int, rng: np.random.Generator,
             temperature=1.0, top_k=None, device="cpu") -> np.ndarray:
    """Continue ``prompt_ids`` (1-d) by ``n`` characters.

    Returns the ``n`` new ids.
    """
    was_training = model.training
    model.eval()
    prompt = torch.as_tensor(np.asarray(prompt_ids, dtype=np.int64),
                             device=device)
    if prompt.dim() != 1 or prompt.numel() == 0:
        raise ValueError(f"prompt_ids must be a non-empty 1-d sequence "
                         f"of ids, got shape {tuple(prompt.shape)}")
    # read the prompt
    logits, state = model(prompt[:, None])
    out = []
    for _ in range(n):
        nxt = sample_next(logits[-1, 0].double().cpu().numpy(), rng,
                          temperature, top_k)
        out.append(int(nxt))
        logits, state = model(torch.tensor([[int(nxt)]], device=device), state)
    model.train(was_training)
    return np.array(out, dtype=np.int64)
