"""Load the weights of a ``torch.nn`` recurrent layer into NumPy ``params``.

``rnnbook.numpy`` names its parameters as a one-layer ``torch.nn.RNN``,
``LSTM`` or ``GRU`` does, without the layer suffix::

    weight_ih  (G·H, D)    bias_ih  (G·H,)
    weight_hh  (G·H, H)    bias_hh  (G·H,)

with G = 1 (RNN), 4 (LSTM, gates i, f, g, o) or 3 (GRU, gates r, z, n).
A layer of a stack and a direction are picked with ``layer`` and ``reverse``.
"""

from __future__ import annotations

import numpy as np

_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def params_from_torch(
    module, layer: int = 0, reverse: bool = False, dtype=None
) -> dict:
    """The NumPy ``params`` of one layer and direction of a recurrent module.

    Parameters
    ----------
    module : torch.nn.RNN, LSTM or GRU
        Or ``rnnbook.torch``'s ``RNN``, ``LSTM`` or ``GRU``, which use the
        same names.
    layer : int
        Which layer of a stack (``_l{layer}``), 0 for the first.
    reverse : bool
        The backward direction of a bidirectional module (``_reverse``).
    dtype : NumPy dtype, optional
        Cast the arrays, for example to ``np.float64`` for a gradient check.

    Returns
    -------
    dict
        ``weight_ih``, ``weight_hh`` and, if the module has biases, ``bias_ih``
        and ``bias_hh``: fresh NumPy arrays (copies, detached from autograd).
    """
    state = module.state_dict()
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    if f"weight_ih{suffix}" not in state:
        have = sorted(k for k in state if k.startswith("weight_ih"))
        raise ValueError(
            f"params_from_torch: {type(module).__name__} has no "
            f"weight_ih{suffix}; it has {have}. Pass layer= "
            "(0 ... num_layers-1) and reverse=True only for a bidirectional "
            "module."
        )
    if f"weight_hr{suffix}" in state:
        raise ValueError(
            "params_from_torch: the module has a projection (proj_size > 0), "
            "which rnnbook.numpy does not implement; use rnnbook.torch.LSTM."
        )
    out = {}
    for name in _NAMES:
        if name + suffix in state:
            arr = state[name + suffix].detach().cpu().numpy()
            out[name] = arr.astype(dtype) if dtype is not None else arr.copy()
    return out
