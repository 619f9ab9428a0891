"""NumPy GRU against torch.nn.GRU (the oracle) and numerical gradients."""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import _oracle as O  # noqa: E402

from rnnbook.gradcheck import gradcheck  # noqa: E402
from rnnbook.numpy import (gru_backward, gru_cell_backward,  # noqa: E402
                           gru_cell_forward, gru_forward)

SHAPES = [(1, 1, 3, 2), (1, 4, 5, 5), (4, 3, 5, 7), (6, 1, 4, 3), (3, 2, 2, 6)]


@pytest.mark.parametrize("T,B,D,H", SHAPES)
@pytest.mark.parametrize("with_state", [True, False])
@pytest.mark.parametrize("with_dstate", [True, False])
def test_matches_torch_float64(T, B, D, H, with_state, with_dstate):
    layer = O.make_layer("gru", D, H, seed=T * 10 + B)
    prob = O.random_problem("gru", T, B, D, H, seed=H, with_state=with_state,
                            with_dstate=with_dstate)
    want = O.torch_reference("gru", layer, prob)
    got = O.numpy_run("gru", O.numpy_params(layer), prob)
    O.compare("gru", got, want, tol=1e-10)


def test_without_bias():
    layer = O.make_layer("gru", 3, 4, bias=False)
    params = O.numpy_params(layer)
    assert set(params) == {"weight_ih", "weight_hh"}
    prob = O.random_problem("gru", 5, 2, 3, 4)
    want = O.torch_reference("gru", layer, prob)
    got = O.numpy_run("gru", params, prob)
    O.compare("gru", got, want, tol=1e-10)


def test_float32():
    import torch

    layer = O.make_layer("gru", 5, 6, dtype=torch.float32)
    params = O.numpy_params(layer)
    prob = O.random_problem("gru", 7, 3, 5, 6, dtype=np.float32)
    got = O.numpy_run("gru", params, prob)
    for name in ("y", "state_T", "dx", "dstate0"):
        assert got[name].dtype == np.float32, name
    assert all(g.dtype == np.float32 for g in got["grads"].values())
    O.compare("gru", got, O.torch_reference("gru", layer, prob), tol=1e-4)


def test_gradcheck():
    T, B, D, H = 3, 2, 3, 4
    params = O.numpy_params(O.make_layer("gru", D, H))
    prob = O.random_problem("gru", T, B, D, H, seed=1)
    inputs = {**params, "x": prob["x"].copy(), "h0": prob["state0"].copy()}
    got = O.numpy_run("gru", params, prob)
    analytic = {**got["grads"], "x": got["dx"], "h0": got["dstate0"]}
    report = gradcheck(lambda p: O.loss_fn("gru", p, prob),
                       inputs, analytic)
    assert set(report.rel_errors) == set(analytic)
    assert report.ok(1e-7), str(report)


def test_cell_is_one_step_of_sequence():
    T, B, D, H = 4, 3, 5, 6
    params = O.numpy_params(O.make_layer("gru", D, H))
    prob = O.random_problem("gru", T, B, D, H, seed=2)
    y, h_T, cache = gru_forward(prob["x"], prob["state0"], params)
    dx, dh0, grads = gru_backward(prob["dy"], prob["dstate_T"], cache)

    # forward: T cells reproduce the sequence
    h, caches = prob["state0"], []
    for t in range(T):
        h, c = gru_cell_forward(prob["x"][t], h, params)
        np.testing.assert_allclose(h, y[t], rtol=1e-12, atol=1e-14)
        caches.append(c)
    np.testing.assert_allclose(h, h_T, rtol=1e-12, atol=1e-14)

    # backward: chaining the cells backwards is BPTT
    dh, total = prob["dstate_T"], {k: 0.0 for k in params}
    for t in reversed(range(T)):
        dx_t, dh, g = gru_cell_backward(prob["dy"][t] + dh, caches[t])
        np.testing.assert_allclose(dx_t, dx[t], rtol=1e-10, atol=1e-12)
        total = {k: total[k] + g[k] for k in g}
    np.testing.assert_allclose(dh, dh0, rtol=1e-10, atol=1e-12)
    for k in grads:
        np.testing.assert_allclose(total[k], grads[k], rtol=1e-10, atol=1e-12)


def test_none_state_means_zeros():
    params = O.numpy_params(O.make_layer("gru", 3, 4))
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    y1, h1, c1 = gru_forward(x, None, params)
    y2, h2, c2 = gru_forward(x, np.zeros((2, 4)), params)
    np.testing.assert_array_equal(y1, y2)
    dy = np.ones_like(y1)
    for a, b in zip(gru_backward(dy, None, c1)[:2], gru_backward(dy, np.zeros((2, 4)), c2)[:2]):
        np.testing.assert_array_equal(a, b)


def test_inputs_are_not_modified_and_outputs_are_fresh():
    params = O.numpy_params(O.make_layer("gru", 3, 4))
    saved = {k: v.copy() for k, v in params.items()}
    prob = O.random_problem("gru", 5, 2, 3, 4)
    copies = {k: np.copy(prob[k]) for k in ("x", "state0", "dy", "dstate_T")}
    y, h_T, cache = gru_forward(prob["x"], prob["state0"], params)
    y_saved = y.copy()
    y *= 0          # modifying the outputs must not corrupt the cache
    h_T *= 0
    dx, dh0, grads = gru_backward(prob["dy"], prob["dstate_T"], cache)
    for k, v in copies.items():
        np.testing.assert_array_equal(prob[k], v)
    for k, v in saved.items():
        np.testing.assert_array_equal(params[k], v)
    ref = O.numpy_run("gru", params, prob)
    np.testing.assert_array_equal(ref["y"], y_saved)
    np.testing.assert_array_equal(ref["dx"], dx)
