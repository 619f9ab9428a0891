"""Review classifiers, their training loop with early stopping, and
evaluation.

Every model reads a time-major batch of token ids ``ids`` (T, B), padded with
``<pad>`` = 0 (see :mod:`rnnbook.text`), and the true lengths (B,), and returns
K = 2 logits per review, ``ŷ`` (B, 2); ``p = softmax(ŷ)[:, 1]`` is the
predicted probability that the review is positive, and the loss is the mean
cross-entropy.

:class:`MeanEmbedding`
    A bag of embeddings: the mean of the review's word vectors e_t (padding
    excluded), then a linear read-out, ŷ = W_hy (1/T_b Σ_t e_t) + b_y. Word
    order plays no role: the baseline that a recurrent model must beat.
:class:`RecurrentClassifier`
    Embedding, then an RNN, GRU or LSTM (``torch.nn``'s fused layers,
    optionally bidirectional) run on the padded batch, in a way that padding
    never enters what is read: the outputs h_1..h_{T_b} of a forward layer do
    not depend on the padding after step T_b, and nothing past T_b is read; the
    backward direction is a second layer run on each review reversed within its
    length (:func:`flip_padded`), which is what ``torch.nn``'s bidirectional
    layer computes on a ``PackedSequence``, and on the CPU about 3 times faster
    than packing. The review's summary s is either the final state (``"last"``:
    [h_T ; h_1 of the backward direction] when bidirectional) or the
    concatenation of the max and the mean of the outputs over time
    (``"max_mean"``), and ŷ = W_hy s + b_y. With ``conv_channels`` set it is a
    convolutional-recurrent classifier: a Conv1d (kernel ``conv_kernel``, ReLU)
    over the embeddings and a max-pool of width ``pool`` shorten the sequence
    ``pool`` times before the recurrent layer reads it (as in the C-LSTM of
    Zhou et al. 2015), which makes each epoch several times cheaper.

:func:`fit` trains with Adam (Kingma and Ba 2015), a one-cycle learning-rate
schedule (Smith and Topin 2019), gradient clipping by global norm, and early
stopping on a validation split carved from the training reviews: after each
epoch the validation accuracy is measured, the best state is kept, and
training stops once ``patience`` epochs pass without a better one. The test
split is never looked at during training.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from .text import PAD_ID, bucket_batches, pad_batch

CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


def flip_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse the first lengths[b] steps of each sequence b of x (T, B, ...);
    the padding stays at the end. Its own inverse."""
    T = x.shape[0]
    t = torch.arange(T, device=x.device)[:, None]                  # (T, 1)
    n = lengths.to(x.device)[None, :]                              # (1, B)
    src = torch.where(t < n, n - 1 - t, t)                         # (T, B)
    return x.gather(0, src.view(T, -1, *([1] * (x.dim() - 2))).expand_as(x))
POOLINGS = ("last", "max_mean")


def _check_batch(ids: torch.Tensor, lengths: torch.Tensor) -> None:
    if ids.dim() != 2:
        raise ValueError(
            f"ids must be a time-major (T, B) tensor, "
            f"got shape {tuple(ids.shape)}")
    if lengths.shape != (ids.shape[1],):
        raise ValueError(f"lengths must have shape (B,) = ({ids.shape[1]},), "
                         f"got {tuple(lengths.shape)}")


class MeanEmbedding(nn.Module):
    """Mean of the word embeddings of a review (padding excluded), then a
    linear map."""

    def __init__(self, vocab_size: int, embed_size: int, *,
                 dropout: float = 0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size,
                                      padding_idx=PAD_ID)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(embed_size, 2)

    def forward(self, ids: torch.Tensor,
                lengths: torch.Tensor) -> torch.Tensor:
        _check_batch(ids, lengths)
        # (T, B, E), 0 at <pad>
        e = self.embedding(ids)
        mean = e.sum(0) / lengths.to(e.device, e.dtype)[:, None]  # (B, E)
        return self.head(self.dropout(mean))                     # (B, 2)


class RecurrentClassifier(nn.Module):
    """Embedding -> [Conv1d -> ReLU -> MaxPool] -> RNN/GRU/LSTM -> pooling
    -> linear.

    ``cell`` is ``"rnn"``, ``"gru"`` or ``"lstm"``; ``pooling`` is ``"last"``
    or ``"max_mean"``; ``conv_channels=None`` leaves out the convolutional
    front-end. ``dropout`` applies to the embeddings and to the summary
    before the read-out.
    """

    def __init__(self, cell: str, vocab_size: int, embed_size: int,
                 hidden_size: int, *,
                 bidirectional: bool = False, pooling: str = "last",
                 conv_channels: int | None = None, conv_kernel: int = 5,
                 pool: int = 4, dropout: float = 0.0):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(
                f"cell must be one of {tuple(CELLS)}, got {cell!r}")
        if pooling not in POOLINGS:
            raise ValueError(
                f"pooling must be one of {POOLINGS}, got {pooling!r}")
        self.cell, self.pooling, self.pool = cell, pooling, pool
        self.embedding = nn.Embedding(vocab_size, embed_size,
                                      padding_idx=PAD_ID)
        self.dropout = nn.Dropout(dropout)
        self.conv = None
        rnn_input = embed_size
        if conv_channels is not None:
            self.conv = nn.Conv1d(embed_size, conv_channels, conv_kernel,
                                  padding=conv_kernel // 2)
            rnn_input = conv_channels
        # Two directions are two layers: self.rnn reads x_1..x_{T_b}, and
        # self.rnn_reverse reads x_{T_b}..x_1 (see flip_padded); together they
        # are torch.nn's bidirectional layer (bidirectional_state_dict).
        self.rnn = CELLS[cell](rnn_input, hidden_size)
        self.rnn_reverse = (CELLS[cell](rnn_input, hidden_size)
                            if bidirectional else None)
        dirs = 2 if bidirectional else 1
        summary = dirs * hidden_size * (2 if pooling == "max_mean" else 1)
        self.head = nn.Linear(summary, 2)

    def features(self, ids: torch.Tensor, lengths: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor]:
        """The recurrent layer's input (T', B, D) and lengths (B,) after the
        front-end.
        """
        x = self.dropout(self.embedding(ids))                    # (T, B, E)
        if self.conv is None:
            return x, lengths
        x = torch.relu(self.conv(x.permute(1, 2, 0)))            # (B, C, T)
        # Zero the positions past each review's end (ReLU outputs are >= 0),
        # so that a pooling window at the end sees the review only, as it
        # would alone.
        steps = torch.arange(x.shape[-1], device=x.device)
        valid = steps < lengths.to(x.device)[:, None]            # (B, T)
        x = x * valid[:, None, :]                                # (B, C, T)
        # (B, C, T')
        x = nn.functional.max_pool1d(x, self.pool, ceil_mode=True)
        lengths = torch.div(lengths + self.pool - 1, self.pool,
                            rounding_mode="floor")
        return x.permute(2, 0, 1), lengths                       # (T', B, C)

    def outputs(self, ids: torch.Tensor, lengths: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Outputs (T', B, dirs*H), final states (B, dirs*H) and lengths (B,).

        The outputs past each review's length T'_b are not meaningful (they
        have read padding) and are never used.
        """
        x, lengths = self.features(ids, lengths)
        b = torch.arange(x.shape[1], device=x.device)
        end = lengths.to(x.device) - 1                             # (B,)
        # The outputs before step T_b never see the padding after it, so the
        # padded batch gives the same h_1..h_{T_b} as a packed one, faster on
        # the CPU, as long as nothing past T_b is read.
        out, _ = self.rnn(x)                                       # (T', B, H)
        outs, lasts = [out], [out[end, b]]                         # h_{T_b}
        if self.rnn_reverse is not None:
            # x_{T_b}..x_1
            back, _ = self.rnn_reverse(flip_padded(x, lengths))
            lasts.append(back[end, b])                      # backward h_1
            outs.append(flip_padded(back, lengths))         # in time order
        return torch.cat(outs, -1), torch.cat(lasts, -1), lengths

    def bidirectional_state_dict(self) -> dict:
        """The recurrent weights in the layout of ``torch.nn``'s bidirectional
        layer (``weight_ih_l0``, ..., ``weight_ih_l0_reverse``, ...)."""
        state = dict(self.rnn.state_dict())
        if self.rnn_reverse is not None:
            back = self.rnn_reverse.state_dict()
            state |= {k + "_reverse": v for k, v in back.items()}
        return state

    def forward(self, ids: torch.Tensor,
                lengths: torch.Tensor) -> torch.Tensor:
        _check_batch(ids, lengths)
        out, last, lengths = self.outputs(ids, lengths)
        if self.pooling == "last":
            s = last                                             # (B, dirs*H)
        else:
            # (T', B, 1)
            valid = (torch.arange(out.shape[0], device=out.device)[:, None]
                     < lengths.to(out.device)[None, :])[..., None]
            mx = out.masked_fill(~valid, float("-inf")).amax(0)  # (B, dirs*H)
            mean = ((out * valid).sum(0)
                    / lengths.to(out.device, out.dtype)[:, None])
            s = torch.cat([mx, mean], dim=-1)                  # (B, 2*dirs*H)
        return self.head(self.dropout(s))                        # (B, 2)


def batches(seqs: Sequence[Sequence[int]], labels: np.ndarray,
            batch_size: int, *,
            shuffle: bool, rng: np.random.Generator | None = None):
    """Yield ``(ids (T, B), lengths (B,), y (B,), index (B,))`` over length
    buckets."""
    lengths = [len(s) for s in seqs]
    for idx in bucket_batches(lengths, batch_size, shuffle=shuffle,
                              generator=rng):
        ids, lens = pad_batch([seqs[i] for i in idx])
        yield ids, lens, torch.as_tensor(labels[idx], dtype=torch.long), idx


@torch.no_grad()
def predict_proba(model: nn.Module, seqs: Sequence[Sequence[int]], *,
                  batch_size: int = 256, device: torch.device | str = "cpu"
                  ) -> np.ndarray:
    """Probability that each review is positive, p = softmax(ŷ)[:, 1],
    shape (n,)."""
    was_training = model.training
    model.eval()
    p = np.empty(len(seqs))
    dummy = np.zeros(len(seqs), dtype=np.int64)
    for ids, lens, _, idx in batches(seqs, dummy, batch_size, shuffle=False):
        logits = model(ids.to(device), lens)
        p[idx] = torch.softmax(logits.float(), -1)[:, 1].cpu().numpy()
    model.train(was_training)
    return p


def accuracy(p: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of reviews whose predicted class (p > 0.5) is the label."""
    return float(np.mean((np.asarray(p) > 0.5) == np.asarray(labels)))


@dataclass
class History:
    """Per-epoch record of :func:`fit`; ``best_epoch`` is 1-based."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    best_epoch: int = 0

    @property
    def best_val_acc(self) -> float:
        return self.val_acc[self.best_epoch - 1]

    @property
    def train_seconds(self) -> float:
        return float(sum(self.seconds))


def _cross_entropy(p: np.ndarray, labels: np.ndarray) -> float:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


def fit(model: nn.Module, train: tuple, val: tuple, *, epochs: int,
        batch_size: int = 64, lr: float = 3e-3, weight_decay: float = 0.0,
        clip: float = 1.0, patience: int = 2,
        seed: int = 0, device: torch.device | str = "cpu",
        desc: str = "train", progress: bool = True) -> History:
    """Train ``model`` on ``train = (seqs, labels)``, early-stopping on
    ``val``.

    Adam with a one-cycle schedule over ``epochs`` epochs (the learning rate
    rises to ``lr`` over the first 30 % of the steps, then anneals), gradient
    clipping by global norm ``clip``. After every epoch the model is evaluated
    on ``val``; the state with the best validation accuracy is restored at the
    end, and training stops after ``patience`` epochs without improvement.
    Batches and dropout masks are drawn from generators seeded with ``seed``.
    """
    train_seqs, train_y = train
    val_seqs, val_y = val
    if len(train_seqs) != len(train_y) or len(val_seqs) != len(val_y):
        raise ValueError(
            "each of train and val must be (sequences, labels) of equal "
            "length")
    if epochs < 1:
        raise ValueError(
            f"epochs must be a positive integer, got {epochs}")
    rng = np.random.default_rng(seed)
    model.to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr,
                            weight_decay=weight_decay)
    steps_per_epoch = -(-len(train_seqs) // batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=lr, epochs=epochs, steps_per_epoch=steps_per_epoch,
        pct_start=0.3)
    hist, best_state, waited = History(), None, 0
    cpu_state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        for epoch in range(epochs):
            start = time.perf_counter()
            model.train()
            losses, correct = [], 0
            bar = tqdm(batches(train_seqs, train_y, batch_size,
                               shuffle=True, rng=rng),
                       total=steps_per_epoch,
                       desc=f"{desc} epoch {epoch + 1}/{epochs}",
                       disable=not progress, leave=False)
            for ids, lens, y, _ in bar:
                ids, y = ids.to(device), y.to(device)
                logits = model(ids, lens)
                loss = nn.functional.cross_entropy(logits, y)
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), clip)
                opt.step()
                sched.step()
                losses.append(loss.item())
                correct += int((logits.argmax(-1) == y).sum())
            hist.step_loss += losses
            hist.train_loss.append(float(np.mean(losses)))
            hist.train_acc.append(correct / len(train_seqs))
            p = predict_proba(model, val_seqs, device=device)
            hist.val_acc.append(accuracy(p, val_y))
            hist.val_loss.append(_cross_entropy(p, np.asarray(val_y)))
            hist.seconds.append(time.perf_counter() - start)
            if hist.best_epoch == 0 or hist.val_acc[-1] > hist.best_val_acc:
                hist.best_epoch = epoch + 1
                best_state = copy.deepcopy(model.state_dict())
                waited = 0
            else:
                waited += 1
                if waited >= patience:
                    break
    finally:
        torch.random.set_rng_state(cpu_state)
    model.load_state_dict(best_state)
    return hist


def split_train_val(n: int, val_fraction: float, seed: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Random disjoint index arrays (train, val) over 0..n-1; val holds
    round(n * val_fraction) of them."""
    if not 0 < val_fraction < 1:
        raise ValueError(
            f"val_fraction must be between 0 and 1, got {val_fraction}")
    perm = np.random.default_rng(seed).permutation(n)
    n_val = int(round(n * val_fraction))
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])
