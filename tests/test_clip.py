"""Gradient clipping: NumPy versions against the formulas, torch versions against torch.nn.utils."""

import math

import numpy as np
import pytest
import torch

from rnnbook.clip import (
    clip_by_global_norm,
    clip_by_value,
    clip_grad_norm_,
    clip_grad_value_,
    global_norm,
)


def np_grads(seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return {
        "weight_ih": scale * rng.standard_normal((8, 3)),
        "weight_hh": scale * rng.standard_normal((8, 2)),
        "bias_ih": scale * rng.standard_normal(8),
        "bias_hh": None,
    }


def test_clip_by_value():
    g = np_grads(scale=3.0)
    ref = {
        k: None if v is None else np.minimum(np.maximum(v, -2.0), 2.0)
        for k, v in g.items()
    }
    ids = {k: id(v) for k, v in g.items()}
    out = clip_by_value(g, 2.0)
    assert out is g and all(id(v) == ids[k] for k, v in g.items())  # in place
    for k, v in ref.items():
        if v is not None:
            np.testing.assert_array_equal(g[k], v)
            assert np.abs(g[k]).max() <= 2.0


@pytest.mark.parametrize("scale", [10.0, 0.01])
def test_clip_by_global_norm(scale):
    g = np_grads(scale=scale)
    before = {k: None if v is None else v.copy() for k, v in g.items()}
    norm = math.sqrt(
        sum(np.sum(v**2) for v in before.values() if v is not None)
    )
    total = clip_by_global_norm(g, 1.0)
    assert total == pytest.approx(norm, rel=1e-12)
    coef = min(1.0, 1.0 / (norm + 1e-6))
    for k, v in before.items():
        if v is not None:
            np.testing.assert_allclose(g[k], v * coef, rtol=1e-12)
    new_norm = global_norm(g)
    assert new_norm <= 1.0 + 1e-12
    if scale == 0.01:
        assert new_norm == pytest.approx(norm)  # small gradients untouched


def test_global_norm_types_and_zero():
    g = {"a": np.array([3.0, -4.0]), "b": np.array([[-12.0]]), "c": None}
    assert global_norm(g) == pytest.approx(13.0)
    assert global_norm(g, math.inf) == pytest.approx(12.0)
    assert global_norm(g, 1) == pytest.approx(19.0)
    zero = {"a": np.zeros(3)}
    assert clip_by_global_norm(zero, 1.0) == 0.0
    np.testing.assert_array_equal(zero["a"], 0.0)
    assert clip_by_global_norm({}, 1.0) == 0.0


def test_float32_stays_float32():
    g = {"w": np.full(4, 10.0, np.float32)}
    clip_by_global_norm(g, 1.0)
    assert g["w"].dtype == np.float32
    assert np.linalg.norm(g["w"]) == pytest.approx(1.0, rel=1e-5)


def test_invalid_thresholds():
    with pytest.raises(ValueError, match="clip_value must be positive"):
        clip_by_value(np_grads(), -1.0)
    with pytest.raises(ValueError, match="max_norm must be positive"):
        clip_by_global_norm(np_grads(), 0.0)


def torch_params(seed=0, scale=1.0, none_grad=True):
    torch.manual_seed(seed)
    ps = [
        torch.nn.Parameter(torch.randn(5, 3)),
        torch.nn.Parameter(torch.randn(7)),
        torch.nn.Parameter(torch.randn(2, 2)),
    ]
    for p in ps:
        p.grad = scale * torch.randn_like(p)
    if none_grad:
        ps[2].grad = None
    return ps


@pytest.mark.parametrize("clip_value", [0.1, 0.7, 5.0])
def test_clip_grad_value_matches_torch(clip_value):
    mine, ref = torch_params(scale=2.0), torch_params(scale=2.0)
    assert clip_grad_value_(mine, clip_value) is None
    torch.nn.utils.clip_grad_value_(ref, clip_value)
    for a, b in zip(mine, ref):
        assert (a.grad is None) == (b.grad is None)
        if a.grad is not None:
            torch.testing.assert_close(a.grad, b.grad, rtol=0, atol=0)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    mine, ref = torch_params(scale=3.0), torch_params(scale=3.0)
    t_mine = clip_grad_norm_(
        iter(mine), max_norm, norm_type=norm_type
    )  # a generator is fine
    t_ref = torch.nn.utils.clip_grad_norm_(ref, max_norm, norm_type=norm_type)
    torch.testing.assert_close(t_mine, t_ref)
    for a, b in zip(mine, ref):
        if a.grad is not None:
            torch.testing.assert_close(a.grad, b.grad)


def test_clip_grad_norm_single_tensor_zero_and_none():
    p = torch.nn.Parameter(torch.ones(3))
    p.grad = torch.zeros(3)
    total = clip_grad_norm_(p, 1.0)
    assert float(total) == 0.0 and torch.equal(p.grad, torch.zeros(3))
    q = torch.nn.Parameter(torch.ones(3))  # no grad at all
    assert float(clip_grad_norm_([q], 1.0)) == 0.0
    assert q.grad is None


def test_clip_grad_norm_nonfinite():
    p = torch.nn.Parameter(torch.ones(2))
    p.grad = torch.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="norm"):
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
