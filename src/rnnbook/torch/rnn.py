"""The Elman recurrent network as a drop-in for ``torch.nn.RNN``."""

from __future__ import annotations

import torch
from torch import Tensor

from torch.nn import functional as F

from .base import RecurrentBase

_NONLINEARITIES = ("tanh", "relu")


class RNN(RecurrentBase):
    r"""Multi-layer Elman RNN (Elman, 1990), written from the equations.

    Each layer maps the sequence x_1..x_T to h_1..h_T by

    .. math::
        h_t = \phi(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}),

    with \phi = tanh (default) or ReLU.  Layer k > 0 reads the outputs of
    layer k-1 (after dropout in training mode, if ``dropout > 0``).

    Unlike ``torch.nn.RNN`` no fused kernel is called: the time loop is
    the equation above, and autograd derives the backward pass
    (backpropagation through time).

    Args:
        input_size: D, the number of features of x_t.
        hidden_size: H, the number of features of h_t.
        num_layers: number of stacked layers.  Default: 1.
        nonlinearity: ``'tanh'`` or ``'relu'``.  Default: ``'tanh'``.
        bias: if ``False``, no ``bias_ih``/``bias_hh``.  Default: ``True``.
        batch_first: if ``True``, input and output are (B, T, feature)
            instead of (T, B, feature); the states are not affected.
            Default: ``False``.
        dropout: probability of zeroing an element of the output of every
            layer except the last, in training mode.  Default: 0.
        bidirectional: add a second direction per layer that reads the
            sequence backwards (Schuster & Paliwal, 1997).  Default: ``False``.
        device, dtype: where and how to create the parameters.

    Inputs: ``input``, ``h_0`` (optional)
        - ``input``: (T, B, D), (B, T, D) with ``batch_first``, or
          unbatched (T, D).
        - ``h_0``: (num_layers * num_directions, B, H), or
          (num_layers * num_directions, H) for unbatched input; zeros if
          omitted.

    Outputs: ``output``, ``h_n``
        - ``output``: (T, B, num_directions * H) (or batch first / unbatched
          like the input): the h_t of the last layer; with two directions,
          ``output[t] = [h_t forward ; h_t reverse]``.
        - ``h_n``: (num_layers * num_directions, B, H), the final state of
          every layer and direction, ordered layer 0 forward, layer 0
          reverse, layer 1 forward, ...  For the reverse direction the final
          state is the one after reading x_1.

    Attributes (k is the layer, append ``_reverse`` for the reverse direction):
        weight_ih_l{k}: W_ih, shape (H, D) for k = 0 and
            (H, num_directions * H) for k > 0.
        weight_hh_l{k}: W_hh, shape (H, H).
        bias_ih_l{k}, bias_hh_l{k}: b_ih and b_hh, shape (H,).

        All are initialised from U(-1/sqrt(H), 1/sqrt(H)).

    Note:
        Elman's network has a single bias; like ``torch.nn`` (and cuDNN) this
        one has two, b_ih and b_hh.  Only their sum matters, and both receive
        the same gradient; they are kept so that ``state_dict`` is
        interchangeable with ``torch.nn.RNN``.

    Note:
        The input projections W_ih x_t + b_ih of all steps are computed by one
        matrix product before the time loop, since they do not depend on
        h_{t-1}; only W_hh h_{t-1} + b_hh remains inside it.

    References:
        J. L. Elman (1990). Finding structure in time. *Cognitive Science*
        14(2), 179-211.
        M. Schuster, K. K. Paliwal (1997). Bidirectional recurrent neural
        networks. *IEEE Trans. Signal Processing* 45(11), 2673-2681.

    Example::

        >>> rnn = RNN(10, 20, num_layers=2)
        >>> output, h_n = rnn(torch.randn(5, 3, 10), torch.zeros(2, 3, 20))
        >>> output.shape, h_n.shape
        (torch.Size([5, 3, 20]), torch.Size([2, 3, 20]))
    """

    GATES = 1
    STATES = 1

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device=None,
        dtype=None,
        **kwargs,
    ) -> None:
        if "proj_size" in kwargs:
            raise ValueError(
                "proj_size argument is only supported for LSTM, not RNN or GRU"
            )
        if kwargs:
            raise TypeError(
                f"unexpected keyword argument(s): {', '.join(kwargs)}"
            )
        if nonlinearity not in _NONLINEARITIES:
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. "
                "Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, num_layers, bias,
                         batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)

    def extra_repr(self) -> str:
        s = super().extra_repr()
        return (
            s
            if self.nonlinearity == "tanh"
            else s + f", nonlinearity={self.nonlinearity}"
        )

    def step(self, wx_t: Tensor, state, params):
        _, W_hh, _, b_hh, _ = params
        (h,) = state
        phi = torch.tanh if self.nonlinearity == "tanh" else torch.relu
        # h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
        h = phi(wx_t + F.linear(h, W_hh, b_hh))
        return (h,)
