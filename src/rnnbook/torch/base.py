"""The machinery shared by :class:`~rnnbook.torch.RNN`, ``LSTM`` and ``GRU``.

A recurrent *layer* in the sense of ``torch.nn`` is a stack of ``num_layers``
layers, each made of one or two *directions*.  Everything that does not depend
on the cell equations lives here, written once:

- the constructor (arguments, validation and messages as in ``torch.nn``;
  stricter in one place: ``bidirectional`` must be a bool and ``num_layers``
  an int, where ``torch.nn`` accepts ``bidirectional="yes"`` and fails later),
- the parameters: names ``weight_ih_l{k}{suffix}``, ``weight_hh_l{k}{suffix}``,
  ``bias_ih_l{k}{suffix}``, ``bias_hh_l{k}{suffix}`` with ``suffix`` empty for
  the forward direction and ``'_reverse'`` for the backward one, registered
  in the order of ``torch.nn`` so that ``state_dict()`` keys match one to
  one, and initialised the same way (every tensor uniform in
  [-1/sqrt(H), 1/sqrt(H)]),
- :meth:`RecurrentBase.forward`: input checks, packed, unbatched and
  ``batch_first`` layouts, empty batches (B = 0 gives empty outputs, T = 0
  is refused, both as in ``torch.nn``), zero initial states, the loop over
  layers and directions, dropout between layers, and the final states
  ordered layer-major, direction-minor (layer 0 forward, layer 0 reverse,
  layer 1 forward, ...).

A subclass supplies the cell: ``GATES`` (how many H-blocks are stacked in
``weight_ih``), ``STATES`` (1 for h, 2 for (h, c)) and :meth:`step`, one
time step of its equations. :meth:`RecurrentBase._direction` runs the steps
of one direction of one layer.

Packed sequences (``torch.nn.utils.rnn.PackedSequence``) are accepted as by
``torch.nn``: they are unpacked to a padded batch, a sequence that has ended
keeps its state (so ``h_n`` is the state after its own last element, and the
reverse direction starts there), and the output is packed again like the
input.

Bidirectional layers (Schuster & Paliwal, 1997, "Bidirectional recurrent
neural networks", IEEE Trans. Signal Processing 45(11), 2673-2681): the
reverse direction reads the sequence from x_T down to x_1, and its output for
the step that read x_t is stored at time t, so that ``output[t]`` is the
concatenation [h_t(forward) ; h_t(reverse)] along the feature axis.  Instead
of flipping the input, running, and flipping the outputs back, the cells
visit the time steps from t = T-1 down to 0 and store each output at its own
time position: the same result without the two copies.
"""

from __future__ import annotations

import math
import numbers
import warnings

import torch
from torch import Tensor, nn
from torch.nn import functional as F


class RecurrentBase(nn.Module):
    """Stacked, optionally bidirectional recurrent layer (base class).

    Not used directly: see :class:`~rnnbook.torch.RNN`,
    :class:`~rnnbook.torch.LSTM` and :class:`~rnnbook.torch.GRU`.
    """

    GATES: int = 1  # H-blocks stacked in weight_ih / weight_hh
    STATES: int = 1  # 1: the state is h; 2: the state is (h, c)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if (
            not isinstance(dropout, numbers.Number)
            or isinstance(dropout, bool)
            or not 0 <= dropout <= 1
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing "
                "the probability of an element being zeroed"
            )
        for name, value in (
            ("bias", bias),
            ("batch_first", batch_first),
            ("bidirectional", bidirectional),
        ):
            # torch.nn checks bias and batch_first; bidirectional="yes" passes
            # its constructor and fails in the fused kernel's argument parser.
            if not isinstance(value, bool):
                raise TypeError(
                    f"{name} should be of type bool, "
                    f"got: {type(value).__name__}"
                )
        for name, value in (
            ("input_size", input_size),
            ("hidden_size", hidden_size),
            ("num_layers", num_layers),
            ("proj_size", proj_size),
        ):
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(
                    f"{name} should be of type int, "
                    f"got: {type(value).__name__}"
                )
            if value <= 0 and name != "proj_size":
                raise ValueError(f"{name} must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable "
                "projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout acts between stacked layers only (not after the "
                f"last one), so dropout={dropout} has no effect with "
                "num_layers=1",
                stacklevel=3,
            )

        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        # LSTM only (the subclasses of RNN and GRU pass 0)
        self.proj_size = proj_size

        factory = {"device": device, "dtype": dtype}
        G, H, H_out = self.GATES * hidden_size, hidden_size, self.output_size
        # per (layer, direction), as torch.nn's _all_weights
        self._names: list[list[str]] = []
        for layer in range(num_layers):
            d_in = input_size if layer == 0 else H_out * self.num_directions
            for direction in range(self.num_directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = [("weight_ih", (G, d_in)), ("weight_hh", (G, H_out))]
                if bias:
                    shapes += [("bias_ih", (G,)), ("bias_hh", (G,))]
                if proj_size:
                    shapes += [("weight_hr", (proj_size, H))]
                names = []
                for stem, shape in shapes:
                    self.register_parameter(
                        stem + suffix,
                        nn.Parameter(torch.empty(shape, **factory)),
                    )
                    names.append(stem + suffix)
                self._names.append(names)
        self.reset_parameters()

    # -------------------------------------------------------------- parameters
    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def output_size(self) -> int:
        """Features of h_t: ``proj_size`` for an LSTM with a projection, else
        ``hidden_size``."""
        return self.proj_size or self.hidden_size

    def state_sizes(self) -> tuple[int, ...]:
        """Features of each state tensor: (H,) for h, or (size of h, H) for
        the LSTM's (h, c)."""
        return (self.output_size, self.hidden_size)[: self.STATES]

    def reset_parameters(self) -> None:
        """Draw every weight and bias from U(-1/sqrt(H), 1/sqrt(H)).

        The tensors are visited in registration order, so under the same seed
        the values are those a ``torch.nn`` layer of the same shape gets.
        """
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    @property
    def all_weights(self) -> list[list[nn.Parameter]]:
        """Parameters grouped per (layer, direction), as in ``torch.nn``."""
        return [[getattr(self, n) for n in names] for names in self._names]

    def _layer_params(self, layer: int, direction: int):
        """(weight_ih, weight_hh, bias_ih, bias_hh, weight_hr), with None for
        those absent."""
        named = {
            name.split("_l")[0]: getattr(self, name)
            for name in self._names[layer * self.num_directions + direction]
        }
        stems = "weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"
        return tuple(named.get(stem) for stem in stems)

    def flatten_parameters(self) -> None:
        """No-op, for code written for ``torch.nn`` (which packs weights for
        cuDNN)."""

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        defaults = (
            ("num_layers", 1),
            ("bias", True),
            ("batch_first", False),
            ("dropout", 0.0),
            ("bidirectional", False),
            ("proj_size", 0),
        )
        for name, default in defaults:
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s

    # ---------------------------------------------------------------- the cell
    def step(
        self, wx_t: Tensor, state: tuple[Tensor, ...], params
    ) -> tuple[Tensor, ...]:
        """One time step of the cell (to be overridden): the cell's equations.

        ``wx_t`` (B, G·H) is the input's part of the pre-activations,
        W_ih x_t + b_ih, computed for every step before the loop; ``state``
        holds the previous (B, ·) state tensor(s); ``params`` is (weight_ih,
        weight_hh, bias_ih, bias_hh, weight_hr) with None for what the layer
        does not have. Returns the new state; its first element is h_t.
        """
        raise NotImplementedError

    def _direction(
        self,
        x: Tensor,
        state: tuple[Tensor, ...],
        params,
        reverse: bool,
        valid: Tensor | None = None,
    ) -> tuple[Tensor, tuple[Tensor, ...]]:
        """Run one direction of one layer over the sequence: :meth:`step` at
        every step.

        ``x`` is (T, B, D_in). With ``reverse`` the steps are taken from
        t = T-1 down to 0. ``valid`` (T, B, 1), for padded batches of packed
        sequences, says which steps exist: at a step beyond its length a
        sequence keeps its state and outputs zeros. Returns the outputs
        (T, B, ·) in time order and the final state; autograd derives the
        backward pass.
        """
        W_ih, _, b_ih, _, _ = params
        # W_ih x_t + b_ih for every step at once (T, B, G·H), then one
        # tensor per step: unbind's backward stacks the T gradients once,
        # where indexing wx[t] would make autograd fill a whole (T, B, G·H)
        # zero tensor at every step (T² work)
        wx = F.linear(x, W_ih, b_ih).unbind(0)
        outs = []
        for t in time_steps(len(wx), reverse):
            new = self.step(wx[t], state, params)
            if valid is not None:  # finished sequences keep their state
                new = tuple(
                    torch.where(valid[t], n, s) for n, s in zip(new, state)
                )
            state = new
            outs.append(state[0] if valid is None else state[0] * valid[t])
        return in_time_order(outs, reverse), state

    # ----------------------------------------------------------------- forward
    def _check_and_prepare(self, input: Tensor, hx):
        """Validate like torch.nn; return time-major input, states, flags."""
        if input.dim() not in (2, 3):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 2D or 3D, "
                f"got {input.dim()}D instead"
            )
        w = self.weight_ih_l0
        if input.dtype != w.dtype:
            raise ValueError(
                f"input dtype ({input.dtype}) does not match weight dtype "
                f"({w.dtype})"
            )
        time_axis = 1 if input.dim() == 3 and self.batch_first else 0
        # an empty *batch* is fine, as in torch.nn
        if input.size(time_axis) == 0:
            raise RuntimeError(
                "Expected sequence length to be larger than 0 in RNN"
            )
        if input.size(-1) != self.input_size:
            raise RuntimeError(
                "input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {input.size(-1)}"
            )
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(1)  # (T, D) -> (T, 1, D)
        elif self.batch_first:
            input = input.transpose(0, 1)  # (B, T, D) -> (T, B, D)
        B = input.size(1)
        expected = [
            (self.num_layers * self.num_directions, B, n)
            for n in self.state_sizes()
        ]
        if hx is None:
            states = tuple(input.new_zeros(shape) for shape in expected)
        else:
            if self.STATES == 1:
                states = (hx,)
            else:
                states = tuple(hx) if isinstance(hx, (tuple, list)) else (hx,)
            if len(states) != self.STATES or not all(
                isinstance(s, Tensor) for s in states
            ):
                raise TypeError(
                    f"{type(self).__name__}: hx should be "
                    + ("a tensor" if self.STATES == 1 else "a pair (h_0, c_0)")
                )
            want = 3 if batched else 2
            if any(s.dim() != want for s in states):
                raise RuntimeError(
                    f"For {'batched 3-D' if batched else 'unbatched 2-D'} "
                    f"input, hx should also be {want}-D but got "
                    f"{[s.dim() for s in states]}-D tensor(s)"
                )
            if not batched:
                states = tuple(s.unsqueeze(1) for s in states)
            for s, shape in zip(states, expected):
                if tuple(s.shape) != shape:
                    raise RuntimeError(
                        f"Expected hidden size {shape}, got {list(s.shape)}"
                    )
        return input, states, batched

    def forward(self, input, hx=None):
        packed = (
            input if isinstance(input, nn.utils.rnn.PackedSequence) else None
        )
        valid = None
        # unpack to a padded (T, B, D) batch in the caller's order
        if packed is not None:
            input, lengths = nn.utils.rnn.pad_packed_sequence(
                packed, batch_first=self.batch_first
            )
            steps = torch.arange(input.size(1 if self.batch_first else 0))
            valid = ((steps[:, None] < lengths[None, :])
                     .unsqueeze(-1).to(input.device))
        x, states, batched = self._check_and_prepare(input, hx)
        finals: list[tuple[Tensor, ...]] = []
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0:
                x = F.dropout(x, p=self.dropout, training=self.training)
            outs = []
            for direction in range(self.num_directions):
                k = layer * self.num_directions + direction
                out, final = self._direction(
                    x,
                    tuple(s[k] for s in states),
                    self._layer_params(layer, direction),
                    reverse=direction == 1,
                    valid=valid,
                )
                outs.append(out)
                finals.append(final)
            x = outs[0] if len(outs) == 1 else torch.cat(outs, dim=2)
        h_n = tuple(
            torch.stack([f[j] for f in finals]) for j in range(self.STATES)
        )
        if packed is not None:
            x = _repack(x, packed)
        elif not batched:
            x = x.squeeze(1)
            h_n = tuple(h.squeeze(1) for h in h_n)
        elif self.batch_first:
            x = x.transpose(0, 1)
        return x, (h_n[0] if self.STATES == 1 else h_n)


def _repack(out: Tensor, like) -> "nn.utils.rnn.PackedSequence":
    """The padded output (T, B, ·) packed like the input ``like``: the same
    batch sizes and the same order of the sequences, as ``torch.nn`` returns
    it."""
    order = like.sorted_indices
    if order is None:
        order = torch.arange(out.size(1), device=out.device)
    data = torch.cat(
        [out[t, order[:n]] for t, n in enumerate(like.batch_sizes.tolist())]
    )
    return nn.utils.rnn.PackedSequence(
        data, like.batch_sizes, like.sorted_indices, like.unsorted_indices
    )


def time_steps(T: int, reverse: bool) -> range:
    """The order in which a direction visits the steps: 0..T-1, or T-1..0
    for ``reverse``."""
    return range(T - 1, -1, -1) if reverse else range(T)


def in_time_order(steps: list[Tensor], reverse: bool) -> Tensor:
    """Stack per-step outputs; outputs collected backwards are put back in
    time order."""
    return torch.stack(steps[::-1] if reverse else steps)
