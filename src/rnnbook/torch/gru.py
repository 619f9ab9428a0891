"""The gated recurrent unit network as a drop-in for ``torch.nn.GRU``."""

from __future__ import annotations

import torch
from torch import Tensor

from torch.nn import functional as F

from .base import RecurrentBase


class GRU(RecurrentBase):
    r"""Multi-layer gated recurrent unit network, written from the equations.

    Each layer maps x_1..x_T to h_1..h_T by

    .. math::
        \begin{aligned}
        r_t &= \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) \\
        z_t &= \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) \\
        n_t &= \tanh(W_{in} x_t + b_{in}
                     + r_t \odot (W_{hn} h_{t-1} + b_{hn})) \\
        h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}
        \end{aligned}

    with \sigma the logistic sigmoid and \odot the elementwise product: the
    reset gate r_t decides how much of the old state feeds the candidate
    n_t, and the update gate z_t interpolates between the old state and
    the candidate.  Layer k > 0 reads the outputs of layer k-1 (after
    dropout in training mode, if ``dropout > 0``).

    No fused kernel is called: the time loop is plain tensor arithmetic, and
    autograd derives backpropagation through time.

    Args:
        input_size: D, the number of features of x_t.
        hidden_size: H, the number of features of h_t.
        num_layers: number of stacked layers.  Default: 1.
        bias: if ``False``, no ``bias_ih``/``bias_hh``.  Default: ``True``.
        batch_first: if ``True``, input and output are (B, T, feature);
            the states are not affected.  Default: ``False``.
        dropout: probability of zeroing an element of the output of every
            layer except the last, in training mode.  Default: 0.
        bidirectional: add a reverse direction per layer (Schuster &
            Paliwal, 1997).  Default: ``False``.
        device, dtype: where and how to create the parameters.

    Inputs: ``input``, ``h_0`` (optional)
        - ``input``: (T, B, D), (B, T, D) with ``batch_first``, or (T, D).
        - ``h_0``: (num_layers * num_directions, B, H), or
          (num_layers * num_directions, H) for unbatched input; zeros if
          omitted.

    Outputs: ``output``, ``h_n``
        - ``output``: (T, B, num_directions * H), the h_t of the last layer;
          with two directions ``output[t] = [h_t forward ; h_t reverse]``.
        - ``h_n``: (num_layers * num_directions, B, H), the final states,
          ordered layer 0 forward, layer 0 reverse, layer 1 forward, ...

    Attributes (k is the layer, append ``_reverse`` for the reverse direction):
        weight_ih_l{k}: [W_ir; W_iz; W_in], shape (3H, D) for k = 0 and
            (3H, num_directions * H) for k > 0 -- gate order r, z, n.
        weight_hh_l{k}: [W_hr; W_hz; W_hn], shape (3H, H).
        bias_ih_l{k}, bias_hh_l{k}: shape (3H,), same gate order.

        All are initialised from U(-1/sqrt(H), 1/sqrt(H)).

    Note:
        Cho et al. (2014) apply the reset gate *before* the product,
        n_t = tanh(W_in x_t + W_hn (r_t ⊙ h_{t-1})); this module, like
        ``torch.nn`` and cuDNN, applies it *after*, r_t ⊙ (W_hn h_{t-1} +
        b_hn), which lets the products W_h* h_{t-1} of all three gates be
        computed before r_t is known.  The two are different models (and
        b_hn cannot be merged into b_in).

    Note:
        In Cho et al. (2014) the update gate also keeps the old state:
        h_t = z ⊙ h_{t-1} + (1 - z) ⊙ n_t, as here.  Some texts (and Chung
        et al., 2014) swap the roles of z and 1 - z; the models are the
        same up to the sign of the z-gate parameters, but the weights are
        not interchangeable.

    Note:
        The biases come in pairs b_i* and b_h*; for r and z only the sum
        matters, for n they differ because b_hn is multiplied by r_t.

    Note:
        The input projections of all steps are one matrix product before the
        time loop, since they do not depend on h_{t-1}; inside the loop is
        one product with W_hh and the gate equations above, line for line.

    References:
        K. Cho, B. van Merriënboer, C. Gulcehre, D. Bahdanau, F. Bougares,
        H. Schwenk, Y. Bengio (2014). Learning phrase representations using
        RNN encoder-decoder for statistical machine translation. *EMNLP*.
        M. Schuster, K. K. Paliwal (1997). Bidirectional recurrent neural
        networks. *IEEE Trans. Signal Processing* 45(11), 2673-2681.

    Example::

        >>> gru = GRU(10, 20, bidirectional=True)
        >>> output, h_n = gru(torch.randn(5, 3, 10))
        >>> output.shape, h_n.shape
        (torch.Size([5, 3, 40]), torch.Size([2, 3, 20]))
    """

    GATES = 3
    STATES = 1

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
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
        super().__init__(input_size, hidden_size, num_layers, bias,
                         batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)

    def step(self, wx_t: Tensor, state, params):
        _, W_hh, _, b_hh, _ = params
        (h,) = state
        x_r, x_z, x_n = wx_t.chunk(3, dim=1)  # W_i* x_t + b_i*
        # W_h* h_{t-1} + b_h*
        h_r, h_z, h_n = F.linear(h, W_hh, b_hh).chunk(3, dim=1)
        r = torch.sigmoid(x_r + h_r)  # reset gate
        z = torch.sigmoid(x_z + h_z)  # update gate
        n = torch.tanh(x_n + r * h_n)  # candidate
        h = (1 - z) * n + z * h  # h_t
        return (h,)
