"""Initialisations that help recurrent networks carry information far.

Each function acts in place on a ``torch.nn.RNN``, ``LSTM`` or ``GRU`` (or
the :mod:`rnnbook.torch` modules, which use the same parameter names
``weight_ih_l{k}{suffix}``, ``weight_hh_l{k}{suffix}``,
``bias_ih_l{k}{suffix}``, ``bias_hh_l{k}{suffix}``), on every layer and
direction, and returns the module. The gates are stacked in PyTorch's
order: LSTM (i, f, g, o), GRU (r, z, n), so gate number k of a layer with
hidden size H is the slice [k·H, (k+1)·H) of its biases.

A gate's bias enters the equations only through the sum b_ih + b_hh, so
"the bias" below is that sum: the functions write the value into ``bias_ih``
and set the same slice of ``bias_hh`` to 0.

- :func:`identity_init_`: the IRNN of Le, Jaitly and Hinton (2015).
- :func:`forget_bias_`: a constant LSTM forget-gate bias (Gers, Schmidhuber
  and Cummins 2000; Jozefowicz, Zaremba and Sutskever 2015 recommend 1).
- :func:`chrono_init_`: the chrono initialisation of Tallec and Ollivier
  (2018).
- :func:`update_bias_` and :func:`chrono_update_bias_`: the GRU analogues.
"""

from __future__ import annotations

import torch
from torch import nn

_GATES = {1: "RNN", 3: "GRU", 4: "LSTM"}
_ARTICLE = {"RNN": "an RNN", "GRU": "a GRU", "LSTM": "an LSTM"}


def _layers(rnn: nn.Module, kind: str):
    """Yield (W_ih, W_hh, b_ih, b_hh) for every layer and direction of ``rnn``.

    ``kind`` is "RNN", "LSTM" or "GRU"; the gate count of ``weight_hh_l0``
    must match.
    """
    params = dict(rnn.named_parameters())
    if "weight_hh_l0" not in params:
        raise TypeError(
            f"expected a recurrent layer with torch.nn's parameter names, "
            f"got {type(rnn).__name__}"
        )
    H = params["weight_hh_l0"].shape[1]
    found = _GATES.get(params["weight_hh_l0"].shape[0] // H)
    if found != kind:
        raise TypeError(
            f"expected {_ARTICLE[kind]} layer, "
            f"got {found} ({type(rnn).__name__})"
        )
    if "bias_ih_l0" not in params:
        raise ValueError(
            "the layer has no biases (bias=False); "
            "these initialisations set them"
        )
    for name, w_hh in params.items():
        if name.startswith("weight_hh_l"):
            suffix = name[len("weight_hh_") :]  # e.g. "l0" or "l1_reverse"
            yield (params[f"weight_ih_{suffix}"], w_hh,
                   params[f"bias_ih_{suffix}"], params[f"bias_hh_{suffix}"])


def _set_bias(
    b_ih: torch.Tensor, b_hh: torch.Tensor, block: slice, value
) -> None:
    """Make the effective bias (b_ih + b_hh)[block] equal ``value``.

    b_ih[block] = value and b_hh[block] = 0.
    """
    b_ih[block] = value
    b_hh[block] = 0.0


def _constant_gate_bias_(
    rnn: nn.Module, kind: str, gate: int, value: float
) -> nn.Module:
    """Set the effective bias of gate number ``gate`` to ``value``.

    In every layer and direction.
    """
    for _, w_hh, b_ih, b_hh in _layers(rnn, kind):
        H = w_hh.shape[1]
        _set_bias(b_ih, b_hh, slice(gate * H, (gate + 1) * H), float(value))
    return rnn


def _log_uniform(
    H: int, T_max: float, generator, like: torch.Tensor
) -> torch.Tensor:
    """H draws of log(u), u ~ U[1, T_max - 1]."""
    if not T_max > 2:
        raise ValueError(f"T_max must be greater than 2, got {T_max}")
    u = 1.0 + (T_max - 2.0) * torch.rand(
        H, generator=generator, dtype=torch.float64
    )
    return torch.log(u).to(like)


@torch.no_grad()
def identity_init_(
    rnn: nn.Module,
    *,
    input_std: float = 0.001,
    generator: torch.Generator | None = None,
) -> nn.Module:
    """The IRNN of Le, Jaitly and Hinton (2015): a ReLU RNN with W_hh = I.

    .. math::
        h_t = \\mathrm{ReLU}(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}),
        \\quad W_{hh} = I,\\ b_{ih} = b_{hh} = 0,
        \\ W_{ih} \\sim \\mathcal N(0, \\sigma^2).

    With W_hh = I and zero biases, a state h ≥ 0 is copied unchanged while the
    input is 0, and the Jacobian ∂h_t/∂h_{t-1} is the identity on the active
    units, so gradients neither vanish nor explode at the start. Le et al.
    drew the non-recurrent weights from a Gaussian with mean 0 and standard
    deviation 0.001 in their experiments; ``input_std`` is that σ (the
    read-out layer is not touched here).

    ``rnn`` must be an RNN with ``nonlinearity='relu'``.
    """
    list(_layers(rnn, "RNN"))  # type checks before any change
    if getattr(rnn, "nonlinearity", None) != "relu":
        raise ValueError(
            "the IRNN is a ReLU network: "
            "build the RNN with nonlinearity='relu'"
        )
    for w_ih, w_hh, b_ih, b_hh in _layers(rnn, "RNN"):
        w_ih.normal_(0.0, input_std, generator=generator)
        w_hh.copy_(torch.eye(w_hh.shape[0], dtype=w_hh.dtype))
        b_ih.zero_()
        b_hh.zero_()
    return rnn


@torch.no_grad()
def forget_bias_(lstm: nn.Module, b_f: float) -> nn.Module:
    """Set the LSTM forget-gate bias to ``b_f`` in every layer and direction.

    .. math::
        f_t = \\sigma(W_{if} x_t + W_{hf} h_{t-1} + b_f),\\quad
        (b_{ih} + b_{hh})[H:2H] = b_f.

    At zero input and state the gate is σ(b_f), so the cell keeps a fraction
    σ(b_f) of its content per step: 0.5 at b_f = 0, 0.73 at
    1 (the value Jozefowicz et al. 2015 recommend) and 0.95 at 3. The other
    gates' biases are left as they are.
    """
    return _constant_gate_bias_(lstm, "LSTM", 1, b_f)


@torch.no_grad()
def chrono_init_(
    lstm: nn.Module, T_max: float, generator: torch.Generator | None = None
) -> nn.Module:
    """The chrono initialisation of Tallec and Ollivier (2018), for an LSTM.

    .. math::
        b_f \\sim \\log(\\mathcal U[1, T_{max} - 1]),\\qquad b_i = -b_f,

    drawn independently for each of the H units of every layer and direction.
    A unit whose forget gate is σ(b_f) at zero input forgets with a
    characteristic time 1/(1 - σ(b_f)) = 1 + e^{b_f}, so the units' time
    scales are spread uniformly over [2, T_max], up to the longest
    dependency ``T_max`` one expects. Tying b_i = -b_f makes a slowly
    forgetting unit also write slowly. The g and o biases are left as they
    are.
    """
    for _, w_hh, b_ih, b_hh in _layers(lstm, "LSTM"):
        H = w_hh.shape[1]
        b_f = _log_uniform(H, T_max, generator, b_ih)
        _set_bias(b_ih, b_hh, slice(H, 2 * H), b_f)
        _set_bias(b_ih, b_hh, slice(0, H), -b_f)
    return lstm


@torch.no_grad()
def update_bias_(gru: nn.Module, b_z: float) -> nn.Module:
    """Set the GRU update-gate bias to ``b_z``, the analogue of a forget bias.

    .. math::
        z_t = \\sigma(W_{iz} x_t + W_{hz} h_{t-1} + b_z),\\qquad
        h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1},

    with (b_ih + b_hh)[H:2H] = b_z. In PyTorch's convention z_t is the
    fraction of the old state that is *kept*, so a **positive** b_z keeps the
    state (it plays the role of the LSTM's forget gate, and 1 - z_t that of
    its input gate, coupled). Cho et al. (2014), colah and Ng write the update
    the other way round, h_t = z_t ⊙ n_t + (1 - z_t) ⊙ h_{t-1}; there a
    negative bias would keep the state.
    """
    return _constant_gate_bias_(gru, "GRU", 1, b_z)


@torch.no_grad()
def chrono_update_bias_(
    gru: nn.Module, T_max: float, generator: torch.Generator | None = None
) -> nn.Module:
    """A chrono-style update-gate bias for the GRU: b_z ~ log(U[1, T_max - 1]).

    .. note::
        This is our analogue of :func:`chrono_init_`, not the paper's
        prescription: in PyTorch's GRU z_t plays the LSTM's f_t and 1 - z_t
        its i_t, so the single bias b_z gives the units characteristic times
        1 + e^{b_z} spread over [2, T_max], and "b_i = -b_f" holds by
        construction (1 - σ(b) = σ(-b)).
    """
    for _, w_hh, b_ih, b_hh in _layers(gru, "GRU"):
        H = w_hh.shape[1]
        _set_bias(b_ih, b_hh, slice(H, 2 * H),
                  _log_uniform(H, T_max, generator, b_ih))
    return gru
