"""NumPy LSTM against torch.nn.LSTM (the oracle) and numerical gradients."""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import _oracle as O  # noqa: E402

from rnnbook.gradcheck import gradcheck  # noqa: E402
from rnnbook.numpy import (lstm_backward, lstm_cell_backward,  # noqa: E402
                           lstm_cell_forward, lstm_forward)

SHAPES = [(1, 1, 3, 2), (1, 4, 5, 5), (4, 3, 5, 7), (6, 1, 4, 3), (3, 2, 2, 6)]


@pytest.mark.parametrize("T,B,D,H", SHAPES)
@pytest.mark.parametrize("with_state", [True, False])
@pytest.mark.parametrize("with_dstate", [True, False])
def test_matches_torch_float64(T, B, D, H, with_state, with_dstate):
    layer = O.make_layer("lstm", D, H, seed=T * 10 + B)
    prob = O.random_problem("lstm", T, B, D, H, seed=H, with_state=with_state,
                            with_dstate=with_dstate)
    want = O.torch_reference("lstm", layer, prob)
    got = O.numpy_run("lstm", O.numpy_params(layer), prob)
    O.compare("lstm", got, want, tol=1e-10)


def test_partial_states_and_seeds():
    """(h0, None) and (None, dc_T) mean zeros for the missing element."""
    layer = O.make_layer("lstm", 3, 4)
    params = O.numpy_params(layer)
    prob = O.random_problem("lstm", 5, 2, 3, 4)
    full = dict(prob, state0=(prob["state0"][0], np.zeros((2, 4))),
                dstate_T=(np.zeros((2, 4)), prob["dstate_T"][1]))
    part = dict(prob, state0=(prob["state0"][0], None), dstate_T=(None, prob["dstate_T"][1]))
    O.compare("lstm", O.numpy_run("lstm", params, part), O.torch_reference("lstm", layer, full),
              tol=1e-10)


def test_without_bias():
    layer = O.make_layer("lstm", 3, 4, bias=False)
    params = O.numpy_params(layer)
    prob = O.random_problem("lstm", 5, 2, 3, 4)
    O.compare("lstm", O.numpy_run("lstm", params, prob), O.torch_reference("lstm", layer, prob),
              tol=1e-10)


def test_float32():
    import torch

    layer = O.make_layer("lstm", 5, 6, dtype=torch.float32)
    prob = O.random_problem("lstm", 7, 3, 5, 6, dtype=np.float32)
    got = O.numpy_run("lstm", O.numpy_params(layer), prob)
    arrays = [got["y"], got["dx"], *got["state_T"], *got["dstate0"], *got["grads"].values()]
    assert all(a.dtype == np.float32 for a in arrays)
    O.compare("lstm", got, O.torch_reference("lstm", layer, prob), tol=1e-4)


def test_gradcheck():
    T, B, D, H = 3, 2, 3, 4
    params = O.numpy_params(O.make_layer("lstm", D, H))
    prob = O.random_problem("lstm", T, B, D, H, seed=1)
    inputs = {**params, "x": prob["x"].copy(), "h0": prob["state0"][0].copy(),
              "c0": prob["state0"][1].copy()}
    got = O.numpy_run("lstm", params, prob)
    analytic = {**got["grads"], "x": got["dx"], "h0": got["dstate0"][0],
                "c0": got["dstate0"][1]}
    report = gradcheck(lambda p: O.loss_fn("lstm", p, prob), inputs, analytic)
    assert set(report.rel_errors) == set(analytic)
    assert report.ok(1e-7), str(report)


def test_cell_is_one_step_of_sequence():
    T, B, D, H = 4, 3, 5, 6
    params = O.numpy_params(O.make_layer("lstm", D, H))
    prob = O.random_problem("lstm", T, B, D, H, seed=2)
    y, (h_T, c_T), cache = lstm_forward(prob["x"], prob["state0"], params)
    dx, (dh0, dc0), grads = lstm_backward(prob["dy"], prob["dstate_T"], cache)

    state, caches = prob["state0"], []
    for t in range(T):
        state, c = lstm_cell_forward(prob["x"][t], state, params)
        np.testing.assert_allclose(state[0], y[t], rtol=1e-12, atol=1e-14)
        caches.append(c)
    np.testing.assert_allclose(state[0], h_T, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(state[1], c_T, rtol=1e-12, atol=1e-14)

    (dh, dc), total = prob["dstate_T"], {k: 0.0 for k in params}
    for t in reversed(range(T)):
        dx_t, (dh, dc), g = lstm_cell_backward((prob["dy"][t] + dh, dc), caches[t])
        np.testing.assert_allclose(dx_t, dx[t], rtol=1e-10, atol=1e-12)
        total = {k: total[k] + g[k] for k in g}
    np.testing.assert_allclose(dh, dh0, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dc, dc0, rtol=1e-10, atol=1e-12)
    for k in grads:
        np.testing.assert_allclose(total[k], grads[k], rtol=1e-10, atol=1e-12)


def test_inputs_are_not_modified_and_outputs_are_fresh():
    params = O.numpy_params(O.make_layer("lstm", 3, 4))
    saved = {k: v.copy() for k, v in params.items()}
    prob = O.random_problem("lstm", 5, 2, 3, 4)
    copies = {"x": prob["x"].copy(), "dy": prob["dy"].copy(),
              "state0": tuple(a.copy() for a in prob["state0"]),
              "dstate_T": tuple(a.copy() for a in prob["dstate_T"])}
    y, (h_T, c_T), cache = lstm_forward(prob["x"], prob["state0"], params)
    y_saved = y.copy()
    y *= 0
    h_T *= 0
    c_T *= 0
    dx, _, _ = lstm_backward(prob["dy"], prob["dstate_T"], cache)
    for k, v in copies.items():
        np.testing.assert_array_equal(np.asarray(prob[k]), np.asarray(v))
    for k, v in saved.items():
        np.testing.assert_array_equal(params[k], v)
    ref = O.numpy_run("lstm", params, prob)
    np.testing.assert_array_equal(ref["y"], y_saved)
    np.testing.assert_array_equal(ref["dx"], dx)
