"""The rungs of rnnbook.speedups equal the literal LSTM and torch.nn.LSTM,
and their caches feed the literal backward pass."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import rnnbook.fast
import rnnbook.numpy as literal
from rnnbook import speedups

RUNGS = [
    speedups.lstm_forward_inline,
    speedups.lstm_forward_per_gate,
    speedups.lstm_forward_hoisted,
    speedups.lstm_forward_fused,
    speedups.lstm_forward_inplace,
]


def _problem(dtype, T=7, B=3, D=4, H=5, seed=0, bias=True):
    torch.manual_seed(seed)
    layer = torch.nn.LSTM(D, H, bias=bias).to(
        torch.float64 if dtype == np.float64 else torch.float32)
    params = literal.params_from_torch(layer)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, B, D)).astype(dtype)
    h0 = rng.uniform(-1, 1, (B, H)).astype(dtype)
    c0 = rng.uniform(-1, 1, (B, H)).astype(dtype)
    return layer, params, x, (h0, c0)


@pytest.mark.parametrize("rung", RUNGS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bias", [True, False])
def test_rung_equals_the_literal_forward_and_backward(rung, dtype, bias):
    _, params, x, state0 = _problem(dtype, bias=bias)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else \
        dict(rtol=1e-10, atol=1e-12)
    y0, (h0, c0), cache0 = literal.lstm_forward(x, state0, params)
    y, (h, c), cache = rung(x, state0, params)
    assert y.dtype == dtype and y.shape == y0.shape
    for got, want in ((y, y0), (h, h0), (c, c0)):
        np.testing.assert_allclose(got, want, **tol)
    dy = np.random.default_rng(1).standard_normal(y.shape).astype(dtype)
    g0 = literal.lstm_backward(dy, None, cache0)
    g = literal.lstm_backward(dy, None, cache)
    np.testing.assert_allclose(g[0], g0[0], **tol)
    for k in g0[2]:
        np.testing.assert_allclose(g[2][k], g0[2][k], **tol)


@pytest.mark.parametrize("rung", RUNGS, ids=lambda f: f.__name__)
def test_rung_equals_torch(rung):
    layer, params, x, (h0, c0) = _problem(np.float64, T=9, B=2, D=3, H=6)
    with torch.no_grad():
        want, _ = layer(torch.from_numpy(x),
                        (torch.from_numpy(h0)[None],
                         torch.from_numpy(c0)[None]))
    y, _, _ = rung(x, (h0, c0), params)
    np.testing.assert_allclose(y, want.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("rung", RUNGS, ids=lambda f: f.__name__)
def test_rung_handles_none_states_and_large_inputs(rung):
    _, params, x, _ = _problem(np.float32)
    y0, _, _ = literal.lstm_forward(60 * x, None, params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning escapes
        y, _, _ = rung(60 * x, None, params)
    np.testing.assert_allclose(y, y0, rtol=1e-5, atol=1e-6)
    y1, _, _ = rung(x, (None, None), params)
    np.testing.assert_allclose(y1, literal.lstm_forward(x, None, params)[0],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("rung", RUNGS, ids=lambda f: f.__name__)
def test_rung_does_not_touch_its_inputs(rung):
    _, params, x, state0 = _problem(np.float64)
    before = [x.copy(), *(s.copy() for s in state0),
              *(v.copy() for v in params.values())]
    y, _, cache = rung(x, state0, params)
    after = [x, *state0, *params.values()]
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)
    x[:] = 0  # the cache owns its copy of x
    y2, _, _ = rung(before[0], state0, params)
    np.testing.assert_array_equal(y, y2)


@pytest.mark.parametrize("rung", RUNGS, ids=lambda f: f.__name__)
def test_bad_input_gets_a_clear_message(rung):
    _, params, x, _ = _problem(np.float64)
    with pytest.raises(ValueError, match=r"\(T, B, D\)"):
        rung(x[0], None, params)
    with pytest.raises(ValueError, match="weight_ih"):
        rung(x[..., :2], None, params)
    with pytest.raises(ValueError, match="h_0"):
        rung(x, (np.zeros((3, 2)), None), params)
    with pytest.raises(ValueError, match="float32 or float64"):
        rung(x.astype(int), None, params)


def test_cache_nbytes_counts_what_the_backward_keeps():
    T, B, D, H = 6, 3, 4, 5
    _, params, x, _ = _problem(np.float32, T=T, B=B, D=D, H=H)
    # literal: x_t and seven (B, H) arrays per step
    _, _, cache = literal.lstm_forward(x, None, params)
    assert speedups.cache_nbytes(cache) == 4 * T * B * (D + 7 * H)
    # views count once, through the array that owns them
    _, _, cache = speedups.lstm_forward_inplace(x, None, params)
    assert speedups.cache_nbytes(cache) == 4 * (
        T * B * D + 2 * (T + 1) * B * H + T * B * 4 * H)
    # the parameters are not counted unless asked
    assert speedups.cache_nbytes({"params": params}) == 0
    assert speedups.cache_nbytes({"params": params}, skip=()) == sum(
        v.nbytes for v in params.values())


def test_fast_is_the_last_rung():
    _, params, x, state0 = _problem(np.float32, T=20, B=4, D=8, H=16)
    y0 = literal.lstm_forward(x, state0, params)[0]
    y = rnnbook.fast.lstm_forward(x, state0, params)[0]
    np.testing.assert_allclose(y, y0, rtol=1e-5, atol=1e-6)
