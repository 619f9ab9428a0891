"""The long short-term memory network as a drop-in for ``torch.nn.LSTM``."""

from __future__ import annotations

import torch
from torch import Tensor

from torch.nn import functional as F

from .base import RecurrentBase


class LSTM(RecurrentBase):
    r"""Multi-layer long short-term memory network, written from the equations.

    Each layer maps x_1..x_T to h_1..h_T through a cell state c_t:

    .. math::
        \begin{aligned}
        i_t &= \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \\
        f_t &= \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\
        g_t &= \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \\
        o_t &= \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\
        c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
        h_t &= o_t \odot \tanh(c_t)
        \end{aligned}

    with \sigma the logistic sigmoid and \odot the elementwise product: the
    input gate i_t, forget gate f_t and output gate o_t decide what enters,
    stays in and leaves the memory c_t; g_t is the candidate content.  Layer
    k > 0 reads the outputs h_t of layer k-1 (after dropout in training
    mode, if ``dropout > 0``).

    No fused kernel is called: the time loop is the equations above, line
    for line, and autograd derives backpropagation through time.

    Args:
        input_size: D, the number of features of x_t.
        hidden_size: H, the number of features of h_t and c_t.
        num_layers: number of stacked layers.  Default: 1.
        bias: if ``False``, no ``bias_ih``/``bias_hh``.  Default: ``True``.
        batch_first: if ``True``, input and output are (B, T, feature);
            the states are not affected.  Default: ``False``.
        dropout: probability of zeroing an element of the output of every
            layer except the last, in training mode.  Default: 0.
        bidirectional: add a reverse direction per layer (Schuster &
            Paliwal, 1997).  Default: ``False``.
        proj_size: if > 0, an LSTM with a projection (Sak, Senior & Beaufays,
            2014): h_t = W_hr (o_t ⊙ tanh(c_t)) has ``proj_size`` features
            instead of H, which shrinks W_hh to (4H, proj_size) and the input
            of the next layer. Must be smaller than H. Default: 0.
        device, dtype: where and how to create the parameters.

    Inputs: ``input``, ``(h_0, c_0)`` (optional)
        - ``input``: (T, B, D), (B, T, D) with ``batch_first``, or (T, D).
        - ``h_0``: (num_layers * num_directions, B, H_out) and ``c_0``:
          (num_layers * num_directions, B, H), or without B for unbatched
          input; zeros if omitted. H_out is ``proj_size`` if it is > 0, else H.

    Outputs: ``output``, ``(h_n, c_n)``
        - ``output``: (T, B, num_directions * H_out), the h_t of the last
          layer; with two directions
          ``output[t] = [h_t forward ; h_t reverse]``.
        - ``h_n``, ``c_n``: (num_layers * num_directions, B, H_out) and
          (num_layers * num_directions, B, H), the final states, ordered
          layer 0 forward, layer 0 reverse, layer 1 forward, ...

    Attributes (k is the layer, append ``_reverse`` for the reverse direction):
        weight_ih_l{k}: [W_ii; W_if; W_ig; W_io], shape (4H, D) for k = 0 and
            (4H, num_directions * H_out) for k > 0 -- gate order i, f, g, o.
        weight_hh_l{k}: [W_hi; W_hf; W_hg; W_ho], shape (4H, H_out).
        bias_ih_l{k}, bias_hh_l{k}: shape (4H,), same gate order.
        weight_hr_l{k}: W_hr, shape (proj_size, H); only with
            ``proj_size > 0``.

        All are initialised from U(-1/sqrt(H), 1/sqrt(H)).

    Note:
        This is the LSTM of ``torch.nn`` and cuDNN, which differs from the
        papers: (1) the forget gate f_t is not in Hochreiter & Schmidhuber
        (1997), it was added by Gers, Schmidhuber & Cummins (2000) (a forget
        gate stuck at 1 gives back the original cell); (2) there are no
        peephole connections from c to the gates (Gers & Schmidhuber, 2000);
        (3) every gate has two biases, b_i* and b_h*, of which only the sum
        matters; (4) the gradient is propagated through all paths, not
        truncated outside the cell as in the 1997 paper.

    Note:
        The input projections of all steps are one matrix product before the
        time loop, since they do not depend on h_{t-1}.

    References:
        S. Hochreiter, J. Schmidhuber (1997). Long short-term memory.
        *Neural Computation* 9(8), 1735-1780.
        F. A. Gers, J. Schmidhuber, F. Cummins (2000). Learning to forget:
        continual prediction with LSTM. *Neural Computation* 12(10),
        2451-2471.
        H. Sak, A. Senior, F. Beaufays (2014). Long short-term memory
        recurrent neural network architectures for large scale acoustic
        modeling. *Interspeech 2014*, 338-342.
        M. Schuster, K. K. Paliwal (1997). Bidirectional recurrent neural
        networks. *IEEE Trans. Signal Processing* 45(11), 2673-2681.

    Example::

        >>> lstm = LSTM(10, 20, num_layers=2)
        >>> x = torch.randn(5, 3, 10)
        >>> output, (h_n, c_n) = lstm(x)
        >>> output.shape
        torch.Size([5, 3, 20])
        >>> h_n.shape, c_n.shape
        (torch.Size([2, 3, 20]), torch.Size([2, 3, 20]))
    """

    GATES = 4
    STATES = 2

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
        super().__init__(input_size, hidden_size, num_layers, bias,
                         batch_first, dropout, bidirectional,
                         proj_size=proj_size, device=device, dtype=dtype)

    def step(self, wx_t: Tensor, state, params):
        _, W_hh, _, b_hh, W_hr = params
        h, c = state
        # a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
        a = wx_t + F.linear(h, W_hh, b_hh)
        a_i, a_f, a_g, a_o = a.chunk(4, dim=1)
        i = torch.sigmoid(a_i)  # input gate
        f = torch.sigmoid(a_f)  # forget gate
        g = torch.tanh(a_g)  # candidate
        o = torch.sigmoid(a_o)  # output gate
        c = f * c + i * g  # c_t
        h = o * torch.tanh(c)  # h_t
        if W_hr is not None:
            h = F.linear(h, W_hr)  # projection: h_t = W_hr (o_t ⊙ tanh c_t)
        return (h, c)
