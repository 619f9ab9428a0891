"""Gradient clipping, for NumPy gradient dicts and for PyTorch parameters.

Recurrent networks are prone to *exploding gradients*: the backward pass
through time multiplies by W_hh^T (and by the derivative of the nonlinearity)
once per step, so the gradient norm can grow geometrically with the sequence
length.  Two remedies are common:

- **clipping by value** clamps every gradient entry to [−c, c].  It is simple
  and was used, for instance, in Karpathy's ``min-char-rnn.py`` (2015) with
  c = 5, but it changes the *direction* of the gradient.
- **clipping by global norm** (Pascanu, Mikolov & Bengio 2013, "On the
  difficulty of training recurrent neural networks", ICML) rescales all
  gradients together when their joint norm ‖g‖ = sqrt(Σ_k ‖g_k‖²) exceeds a
  threshold τ:

      g ← g · τ / (‖g‖ + ε)    if ‖g‖ > τ,   unchanged otherwise,

  which keeps the direction and bounds the step.  ``ε`` (1e-6, as in
  PyTorch) avoids a division by zero and makes the clipped norm slightly
  less than τ.

The NumPy versions (:func:`clip_by_value`, :func:`clip_by_global_norm`) work
in place on a dict of arrays such as the ``grads`` returned by
:mod:`rnnbook.numpy`.  The PyTorch versions (:func:`clip_grad_value_`,
:func:`clip_grad_norm_`) work in place on the ``.grad`` of parameters and
behave like ``torch.nn.utils.clip_grad_value_`` / ``clip_grad_norm_``, written
with plain tensor operations so the computation can be read.  Entries that are
``None`` (or parameters whose ``.grad`` is ``None``) are skipped.
"""

from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np


def _check_positive(name: str, value: float) -> float:
    value = float(value)
    if not value > 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def _norm_type(norm_type) -> float:
    p = float(norm_type)
    if not (p == math.inf or p > 0):
        raise ValueError(f"norm_type must be positive or inf, got {norm_type}")
    return p


# ----------------------------------------------------------------------- NumPy
def clip_by_value(grads: Mapping, clip_value: float) -> Mapping:
    """Clamp each array in ``grads`` to [−clip_value, clip_value], entrywise.

    Works in place; returns ``grads`` for convenience.  ``None`` values are
    skipped.
    """
    c = _check_positive("clip_value", clip_value)
    for g in grads.values():
        if g is not None:
            np.clip(g, -c, c, out=g)
    return grads


def global_norm(grads: Mapping, norm_type: float = 2.0) -> float:
    """‖g‖_p over all arrays together.

    (Σ_k ‖g_k‖_p^p)^(1/p), or max |g| for ``norm_type=inf``.
    """
    p = _norm_type(norm_type)
    arrays = [np.asarray(g, dtype=np.float64)
              for g in grads.values() if g is not None]
    if not arrays:
        return 0.0
    if p == math.inf:
        return float(max(np.max(np.abs(g), initial=0.0) for g in arrays))
    return float(sum(np.sum(np.abs(g) ** p) for g in arrays) ** (1.0 / p))


def clip_by_global_norm(
    grads: Mapping, max_norm: float, norm_type: float = 2.0, eps: float = 1e-6
) -> float:
    """Rescale all arrays of ``grads`` together: joint norm ≤ max_norm.

    If the global norm ‖g‖ (see :func:`global_norm`) exceeds ``max_norm``
    every array is multiplied, in place, by max_norm / (‖g‖ + eps).

    Returns
    -------
    float
        The global norm *before* clipping (useful to log: spikes reveal
        exploding gradients).  It is ``inf`` or ``nan`` if a gradient is; the
        arrays are then scaled by 0 or nan, as in PyTorch.
    """
    tau = _check_positive("max_norm", max_norm)
    total = global_norm(grads, norm_type)
    coef = tau / (total + eps)
    if coef < 1.0 or math.isnan(coef):
        for g in grads.values():
            if g is not None:
                g *= g.dtype.type(coef)
    return total


# --------------------------------------------------------------------- PyTorch
def _grads_of(parameters) -> list:
    import torch

    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_value_(parameters: Iterable, clip_value: float) -> None:
    """Clamp the ``.grad`` of every parameter to [−clip_value, clip_value].

    In place, like ``torch.nn.utils.clip_grad_value_``; ``parameters`` is a
    tensor or an iterable of tensors (e.g. ``model.parameters()``).
    """
    import torch

    c = _check_positive("clip_value", clip_value)
    with torch.no_grad():
        for g in _grads_of(parameters):
            g.clamp_(min=-c, max=c)


def clip_grad_norm_(
    parameters: Iterable,
    max_norm: float,
    norm_type: float = 2.0,
    eps: float = 1e-6,
    error_if_nonfinite: bool = False,
):
    """Rescale the ``.grad`` of all parameters: joint norm ≤ max_norm.

    Like ``torch.nn.utils.clip_grad_norm_``: the global norm is the norm of
    the per-tensor norms, and every gradient is multiplied in place by
    min(1, max_norm / (norm + eps)).

    Returns
    -------
    torch.Tensor
        The global norm before clipping (a 0-dim tensor).
    """
    import torch

    tau = _check_positive("max_norm", max_norm)
    p = _norm_type(norm_type)
    grads = _grads_of(parameters)
    if not grads:
        return torch.tensor(0.0)
    with torch.no_grad():
        if p == math.inf:
            norms = torch.stack([g.detach().abs().max() for g in grads])
            total = norms.max()
        else:
            norms = torch.stack(
                [(g.detach().abs() ** p).sum() ** (1.0 / p) for g in grads]
            )
            total = (norms**p).sum() ** (1.0 / p)
        if error_if_nonfinite and not torch.isfinite(total):
            raise RuntimeError(
                f"the total norm of the gradients is {total.item()}; "
                "set error_if_nonfinite=False to clip anyway"
            )
        coef = torch.clamp(tau / (total + eps), max=1.0)
        for g in grads:
            g.mul_(coef.to(g.dtype))
    return total
