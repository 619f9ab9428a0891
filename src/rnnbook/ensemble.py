"""Many small recurrent models trained as one, stacked on a member axis.

A fair comparison trains every model from several seeds and at several
learning rates. :class:`StackedRecurrent` holds E independent members (same
cell and sizes, different weights) as tensors with a leading member axis,
e.g. W_hh of shape (E, G·H, H), and one batched matrix product per step
(``torch.baddbmm``) advances all of them. Nothing mixes members: member e's
outputs depend only on its weights and its inputs, its loss only on its
outputs, and :func:`fit_stacked` gives each member its own data stream,
learning rate, Adam state and gradient clipping, so that each trains exactly
as it would alone. ``tests/test_ensemble.py`` checks this against separate
``torch.nn`` models and a separate training loop per member.

What it saves depends on what it replaces. On a 2-core CPU with one thread,
E = 15, B = 64, T = 50, H = 32, one training step took about 4 to 6 times
less than 15 separate ``torch.nn.RNN`` or ``GRU`` steps, but only about as
long as 15 ``torch.nn.LSTM`` steps (1.0 to 1.3 times less), because
``torch.nn.LSTM`` runs a fused oneDNN kernel on the CPU while the cells here
are written one equation per line (2 times less at B = 16; slower at H = 64).

Everything is time-major and member-leading: inputs (E, T, B, D) (or one
shared (T, B, D)), outputs (E, B, K) for the many-to-one read-out
``readout="last"`` (ŷ = W_hy h_T + b_y, as
:class:`rnnbook.models.SequenceClassifier`) and (E, T, B, K) for the
many-to-many read-out ``readout="all"`` (ŷ_t = W_hy h_t + b_y at every step,
as the copy-memory task needs).

The cells are PyTorch's, written one equation per line below; the gate order
is PyTorch's too (LSTM i, f, g, o; GRU r, z, n), so the stacked weights are the
``torch.nn`` weights side by side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from .train import History

GATES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}


# --------------------------------------------------------------------- cells
# gi = W_ih x_t + b_ih and gh = W_hh h_{t-1} + b_hh, both (E, B, G·H).
def rnn_cell(gi, gh, h, activation):
    """h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), act = tanh or ReLU."""
    return activation(gi + gh)


def lstm_cell(gi, gh, state):
    """The LSTM of torch.nn.LSTM.

    Hochreiter and Schmidhuber (1997), with the forget gate of Gers et al.
    (2000).
    """
    h, c = state
    a_i, a_f, a_g, a_o = (gi + gh).chunk(4, dim=-1)
    i = torch.sigmoid(a_i)  # input gate
    f = torch.sigmoid(a_f)  # forget gate
    g = torch.tanh(a_g)  # candidate
    o = torch.sigmoid(a_o)  # output gate
    c = f * c + i * g
    h = o * torch.tanh(c)
    return h, c


def gru_cell(gi, gh, h):
    """The GRU of torch.nn.GRU: reset gate applied after the product W_hn h."""
    i_r, i_z, i_n = gi.chunk(3, dim=-1)
    h_r, h_z, h_n = gh.chunk(3, dim=-1)
    r = torch.sigmoid(i_r + h_r)  # reset gate
    z = torch.sigmoid(i_z + h_z)  # update gate: z -> 1 keeps the old state
    n = torch.tanh(i_n + r * h_n)  # candidate
    return (1 - z) * n + z * h


# --------------------------------------------------------------------- model
def _cell_of(rnn: nn.Module) -> str:
    """'rnn_tanh', 'rnn_relu', 'lstm' or 'gru': the cell of ``rnn``.

    ``rnn`` must be a one-layer, unidirectional layer.
    """
    if not all(
        hasattr(rnn, a) for a in ("weight_hh_l0", "hidden_size", "num_layers")
    ):
        raise TypeError(
            f"expected a torch.nn RNN, LSTM or GRU, got {type(rnn).__name__}"
        )
    if rnn.num_layers != 1 or rnn.bidirectional or rnn.batch_first:
        raise ValueError(
            "each member must have num_layers=1, bidirectional=False and "
            "batch_first=False"
        )
    if not rnn.bias or getattr(rnn, "proj_size", 0):
        raise ValueError(
            "each member must have biases and no projection (proj_size=0)"
        )
    gates = rnn.weight_hh_l0.shape[0] // rnn.hidden_size
    if gates == 1:
        return "rnn_" + rnn.nonlinearity
    return {4: "lstm", 3: "gru"}[gates]


class StackedRecurrent(nn.Module):
    """E recurrent models with a linear read-out, weights stacked on axis 0.

    Parameters (G = 1, 4, 3 gates for the RNN, LSTM, GRU):
    ``weight_ih`` (E, G·H, D), ``weight_hh`` (E, G·H, H), ``bias_ih`` and
    ``bias_hh`` (E, 1, G·H), ``head_weight`` (E, K, H), ``head_bias``
    (E, 1, K).
    Build it with :meth:`from_modules`, which copies E ``torch.nn`` models.
    """

    def __init__(
        self,
        cell: str,
        input_size: int,
        hidden_size: int,
        output_size: int,
        members: int,
        *,
        readout: str = "last",
        dtype=None,
        device=None,
    ):
        super().__init__()
        if cell not in GATES:
            raise ValueError(
                f"cell must be one of {tuple(GATES)}, got {cell!r}"
            )
        if readout not in ("last", "all"):
            raise ValueError(
                f"readout must be 'last' or 'all', got {readout!r}"
            )
        if not isinstance(members, int) or members < 1:
            raise ValueError(f"need at least one member, got {members!r}")
        E, D, H, K, G = (members, input_size, hidden_size, output_size,
                         GATES[cell])
        self.cell, self.readout = cell, readout
        self.members, self.input_size = E, D
        self.hidden_size, self.output_size = H, K
        new = dict(dtype=dtype, device=device)
        self.weight_ih = nn.Parameter(torch.zeros(E, G * H, D, **new))
        self.weight_hh = nn.Parameter(torch.zeros(E, G * H, H, **new))
        self.bias_ih = nn.Parameter(torch.zeros(E, 1, G * H, **new))
        self.bias_hh = nn.Parameter(torch.zeros(E, 1, G * H, **new))
        self.head_weight = nn.Parameter(torch.zeros(E, K, H, **new))
        self.head_bias = nn.Parameter(torch.zeros(E, 1, K, **new))

    @classmethod
    def from_modules(
        cls, rnns, heads, *, readout: str = "last"
    ) -> "StackedRecurrent":
        """Stack E one-layer ``torch.nn`` RNN/LSTM/GRU layers and read-outs.

        The read-outs are ``nn.Linear``. Member e starts from exactly the
        weights of ``rnns[e]`` and ``heads[e]`` (apply any :mod:`rnnbook.init`
        initialisation before stacking). For
        :class:`~rnnbook.models.SequenceClassifier` models ``ms``, pass
        ``[m.rnn for m in ms], [m.head for m in ms]``.
        """
        rnns, heads = list(rnns), list(heads)
        if not rnns:
            raise ValueError("need at least one member, got an empty list")
        if len(rnns) != len(heads):
            raise ValueError(
                f"got {len(rnns)} recurrent layers but {len(heads)} read-outs"
            )
        cells = {_cell_of(r) for r in rnns}
        sizes = {
            (r.input_size, r.hidden_size, h.in_features, h.out_features)
            for r, h in zip(rnns, heads)
        }
        if len(cells) > 1:
            raise ValueError(
                f"all members must have the same cell, got {sorted(cells)}"
            )
        if len(sizes) > 1:
            raise ValueError(
                "all members must have the same sizes "
                f"(D, H, head in, head out), got {sorted(sizes)}"
            )
        D, H, head_in, K = sizes.pop()
        if head_in != H or any(h.bias is None for h in heads):
            raise ValueError(
                f"each read-out must be an nn.Linear({H}, K) with a bias"
            )
        kinds = {
            (p.dtype, p.device) for m in rnns + heads for p in m.parameters()
        }
        if len(kinds) > 1:
            raise ValueError(
                f"all members must share one dtype and device, got {kinds}"
            )
        dtype, device = kinds.pop()
        model = cls(cells.pop(), D, H, K, len(rnns), readout=readout,
                    dtype=dtype, device=device)
        with torch.no_grad():
            model.weight_ih.copy_(torch.stack([r.weight_ih_l0 for r in rnns]))
            model.weight_hh.copy_(torch.stack([r.weight_hh_l0 for r in rnns]))
            model.bias_ih.copy_(
                torch.stack([r.bias_ih_l0 for r in rnns]).unsqueeze(1)
            )
            model.bias_hh.copy_(
                torch.stack([r.bias_hh_l0 for r in rnns]).unsqueeze(1)
            )
            model.head_weight.copy_(torch.stack([h.weight for h in heads]))
            model.head_bias.copy_(
                torch.stack([h.bias for h in heads]).unsqueeze(1)
            )
        return model

    def member(self, e: int) -> tuple[nn.Module, nn.Linear]:
        """Member e as a fresh ``torch.nn`` layer and read-out (copies)."""
        D, H, K = self.input_size, self.hidden_size, self.output_size
        kind = dict(dtype=self.weight_hh.dtype, device=self.weight_hh.device)
        if self.cell.startswith("rnn_"):
            rnn = nn.RNN(D, H, nonlinearity=self.cell[4:], **kind)
        else:
            rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[self.cell](D, H, **kind)
        head = nn.Linear(H, K, **kind)
        with torch.no_grad():
            for name, p in (
                ("weight_ih_l0", self.weight_ih),
                ("weight_hh_l0", self.weight_hh),
                ("bias_ih_l0", self.bias_ih),
                ("bias_hh_l0", self.bias_hh),
            ):
                getattr(rnn, name).copy_(
                    p[e].reshape(getattr(rnn, name).shape)
                )
            head.weight.copy_(self.head_weight[e])
            head.bias.copy_(self.head_bias[e, 0])
        return rnn, head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(E, T, B, D) or shared (T, B, D) -> the read-out's output.

        (E, B, K) with ``readout="last"``, (E, T, B, K) with ``"all"``.
        """
        E, D, H = self.members, self.input_size, self.hidden_size
        if x.dim() == 3:
            x = x.expand(E, *x.shape)  # the same data for all
        if x.dim() != 4 or x.shape[0] != E or x.shape[-1] != D:
            raise ValueError(
                f"x must be (E={E}, T, B, D={D}) or (T, B, D={D}); "
                f"got shape {tuple(x.shape)}"
            )
        _, T, B, _ = x.shape
        if T == 0:
            raise ValueError("x must have at least one time step")
        W_ih_T = self.weight_ih.transpose(1, 2)  # (E, D, G·H)
        W_hh_T = self.weight_hh.transpose(1, 2)  # (E, H, G·H)
        h = x.new_zeros(E, B, H)
        c = x.new_zeros(E, B, H)
        hs = []
        for x_t in x.unbind(1):  # T × (E, B, D)
            gi = torch.baddbmm(self.bias_ih, x_t, W_ih_T)  # (E, B, G·H)
            # (E, B, G·H): one call, all members
            gh = torch.baddbmm(self.bias_hh, h, W_hh_T)
            if self.cell == "lstm":
                h, c = lstm_cell(gi, gh, (h, c))
            elif self.cell == "gru":
                h = gru_cell(gi, gh, h)
            else:
                h = rnn_cell(gi, gh, h,
                             torch.tanh if self.cell == "rnn_tanh" else F.relu)
            hs.append(h)
        W_hy_T = self.head_weight.transpose(1, 2)  # (E, H, K)
        if self.readout == "last":
            return torch.baddbmm(self.head_bias, h, W_hy_T)  # (E, B, K)
        hs = torch.stack(hs, dim=1).reshape(E, T * B, H)
        return torch.baddbmm(self.head_bias, hs, W_hy_T).view(E, T, B, -1)


# ------------------------------------------------------------------ training
class MemberAdam:
    """Adam (Kingma and Ba 2015) with one learning rate per member.

    The update is elementwise, so a learning-rate tensor of shape (E, 1, 1)
    gives every member its own step size. It is torch.optim.Adam's update
    (no weight decay, no AMSGrad), written out:

        m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²,
        θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε).
    """

    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8):
        self.params = [p for p in params]
        self.lr = torch.as_tensor(lr, dtype=torch.float64).reshape(-1)
        self.betas, self.eps, self.t = betas, eps, 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    @torch.no_grad()
    def step(self):
        self.t += 1
        b1, b2 = self.betas
        bias1, bias2 = 1 - b1**self.t, 1 - b2**self.t
        for p, m, v in zip(self.params, self.m, self.v):
            m.lerp_(p.grad, 1 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            denom = (v.sqrt() / math.sqrt(bias2)).add_(self.eps)
            # (E, 1, 1)
            step_size = (self.lr / bias1).to(p).view(-1, *[1] * (p.dim() - 1))
            p.sub_(step_size * m / denom)


def clip_per_member_(
    params, max_norm: float | None, eps: float = 1e-6
) -> torch.Tensor:
    """Clip each member's gradient by its own global norm.

    Member e's norm is ‖g_e‖ = sqrt(Σ_k ‖g_{k,e}‖²) over the parameters'
    slices [e], and its gradients are multiplied by
    min(1, max_norm / (‖g_e‖ + ε)), as ``torch.nn.utils.clip_grad_norm_``
    would do for member e alone. Returns the (E,) norms before clipping.
    """
    grads = [p.grad for p in params if p.grad is not None]
    norms = (
        torch.stack([g.pow(2).flatten(1).sum(1) for g in grads]).sum(0).sqrt()
    )
    if max_norm is not None:
        coef = torch.clamp(max_norm / (norms + eps), max=1.0)
        for g in grads:
            g.mul_(coef.view(-1, *[1] * (g.dim() - 1)))
    return norms


def member_losses(out: torch.Tensor, y: torch.Tensor, task: str):
    """Per-member mean loss and metric, each (E,).

    Cross-entropy and accuracy, or for ``task="regression"`` MSE twice.
    """
    if task == "regression":
        loss = (out.squeeze(-1) - y).pow(2).flatten(1).mean(1)
        return loss, loss
    K = out.shape[-1]
    loss = F.cross_entropy(out.reshape(-1, K), y.reshape(-1), reduction="none")
    accuracy = (out.argmax(-1) == y).to(out.dtype)
    return loss.view(y.shape).flatten(1).mean(1), accuracy.flatten(1).mean(1)


@dataclass
class MemberHistory(History):
    """One member's :class:`~rnnbook.train.History`, seed and learning rate.

    It also records the loss and metric on the shared validation batch.
    """

    seed: int = 0
    lr: float = 0.0
    val_loss: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)


def _draw(make_batch, size, generators, device, dtype):
    """One batch per member from its own generator, stacked.

    Returns x (E, T, B, D) and y (E, ...).
    """
    xs, ys = zip(*(make_batch(size, g) for g in generators))
    x, y = torch.stack(xs), torch.stack(ys)
    return (x.to(device, dtype),
            y.to(device, dtype if y.is_floating_point() else None))


def fit_stacked(
    model: StackedRecurrent,
    make_batch,
    *,
    steps: int,
    seeds,
    lr,
    batch_size: int = 64,
    clip: float | None = 1.0,
    task: str = "classification",
    eval_size: int = 1000,
    eval_every: int = 50,
    val_size: int = 1000,
    val_seed: int = 1_000_003,
    desc: str = "stacked",
    progress: bool = True,
) -> list[MemberHistory]:
    """Train the E members of ``model`` together.

    Each member trains as :func:`rnnbook.train.fit` would train it alone.
    Member e draws its evaluation batch first and then every training batch
    from its own ``torch.Generator`` seeded with ``seeds[e]``, exactly as
    ``fit(..., seed=seeds[e])`` does; it has its own learning rate ``lr[e]``
    (or one ``lr`` for all), Adam state and gradient clipping by its own
    global norm. All members are also scored on one shared validation batch
    drawn from ``val_seed`` (which must differ from every seed), for choosing
    learning rates without touching the evaluation batches. Every
    ``eval_every`` steps (and at the last) each history records the training
    loss, the evaluation and validation loss and metric (accuracy, or MSE for
    ``task="regression"``; with ``readout="all"`` averaged over all steps),
    and the gradient norm before clipping.
    """
    E = model.members
    seeds = [int(s) for s in seeds]
    lrs = (
        [float(lr)] * E
        if isinstance(lr, (int, float))
        else [float(v) for v in lr]
    )
    if len(seeds) != E or len(lrs) != E:
        raise ValueError(
            f"the model has {E} members; got {len(seeds)} seeds and "
            f"{len(lrs)} learning rates"
        )
    if task not in ("classification", "regression"):
        raise ValueError(
            f"task must be 'classification' or 'regression', got {task!r}"
        )
    if val_seed in seeds:
        raise ValueError(
            f"val_seed={val_seed} is also a member's seed; pick another"
        )
    for name, value in (
        ("steps", steps),
        ("eval_every", eval_every),
        ("batch_size", batch_size),
        ("eval_size", eval_size),
        ("val_size", val_size),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(
                f"{name} must be a positive integer, got {value!r}"
            )
    device, dtype = model.weight_hh.device, model.weight_hh.dtype
    generators = [torch.Generator().manual_seed(s) for s in seeds]
    x_eval, y_eval = _draw(make_batch, eval_size, generators, device, dtype)
    x_val, y_val = _draw(make_batch, val_size,
                         [torch.Generator().manual_seed(val_seed)],
                         device, dtype)
    y_val = y_val.expand(E, *y_val.shape[1:])
    params = list(model.parameters())
    opt = MemberAdam(params, lrs)
    hists = [MemberHistory(seed=s, lr=v) for s, v in zip(seeds, lrs)]
    bar = tqdm(
        range(1, steps + 1), desc=desc, disable=not progress, mininterval=1.0
    )
    for step in bar:
        x, y = _draw(make_batch, batch_size, generators, device, dtype)
        loss, _ = member_losses(model(x), y, task)
        for p in params:
            p.grad = None
        loss.sum().backward()  # member e's gradient is that of its own loss
        norms = clip_per_member_(params, clip)
        opt.step()
        if step % eval_every == 0 or step == steps:
            with torch.no_grad():
                eval_loss, eval_metric = member_losses(
                    model(x_eval), y_eval, task
                )
                val_loss, val_metric = member_losses(
                    model(x_val[0]), y_val, task
                )
            for e, h in enumerate(hists):
                h.steps.append(step)
                h.loss.append(loss[e].item())
                h.eval_loss.append(eval_loss[e].item())
                h.eval_metric.append(eval_metric[e].item())
                h.grad_norm.append(norms[e].item())
                h.val_loss.append(val_loss[e].item())
                h.val_metric.append(val_metric[e].item())
            bar.set_postfix(median_loss=f"{eval_loss.median().item():.3f}")
    return hists
