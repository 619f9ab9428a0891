"""rnnbook.numpy (the literal code) and rnnbook.fast (its fast kernels) against
torch.nn (the oracle), numerical gradients, and each other.

Every test runs for each kind (RNN with tanh and with ReLU, LSTM, GRU) and for
both implementations.
"""

import numpy as np
import pytest
import torch

import _oracle as oracle
from rnnbook.gradcheck import gradcheck

SHAPES = [(1, 1, 3, 2), (1, 4, 5, 5), (4, 3, 5, 7), (6, 1, 4, 3), (3, 2, 2, 6)]
KINDS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", None), ("gru", None)]
IMPLS = ["numpy", "fast"]


def _layer(kind, act, D, H, **kw):
    return oracle.make_layer(kind, D, H, nonlinearity=act or "tanh", **kw)


def _kw(act):
    return {"nonlinearity": act} if act else {}


def _state_pair(kind, B, H, rng):
    if kind == "lstm":
        return tuple(rng.standard_normal((B, H)) for _ in range(2))
    return rng.standard_normal((B, H))


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("kind,act", KINDS)
@pytest.mark.parametrize("T,B,D,H", SHAPES)
@pytest.mark.parametrize("with_state", [True, False])
@pytest.mark.parametrize("with_dstate", [True, False])
def test_matches_torch_float64(
    impl, kind, act, T, B, D, H, with_state, with_dstate
):
    layer = _layer(kind, act, D, H, seed=T * 10 + B)
    prob = oracle.random_problem(
        kind,
        T,
        B,
        D,
        H,
        seed=H,
        with_state=with_state,
        with_dstate=with_dstate,
    )
    want = oracle.torch_reference(kind, layer, prob)
    got = oracle.numpy_run(
        kind, oracle.numpy_params(layer), prob, impl, **_kw(act)
    )
    oracle.compare(kind, got, want, tol=1e-10)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("kind,act", KINDS)
def test_without_bias(impl, kind, act):
    layer = _layer(kind, act, 3, 4, bias=False)
    params = oracle.numpy_params(layer)
    assert set(params) == {"weight_ih", "weight_hh"}
    prob = oracle.random_problem(kind, 5, 2, 3, 4)
    got = oracle.numpy_run(kind, params, prob, impl, **_kw(act))
    assert set(got["grads"]) == {"weight_ih", "weight_hh"}
    oracle.compare(
        kind, got, oracle.torch_reference(kind, layer, prob), tol=1e-10
    )


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("kind,act", KINDS)
def test_float32(impl, kind, act):
    layer = _layer(kind, act, 5, 6, dtype=torch.float32)
    prob = oracle.random_problem(kind, 7, 3, 5, 6, dtype=np.float32)
    got = oracle.numpy_run(
        kind, oracle.numpy_params(layer), prob, impl, **_kw(act)
    )
    arrays = [
        got["y"],
        got["dx"],
        *np.atleast_1d(got["state_T"]),
        *got["grads"].values(),
    ]
    arrays += list(got["dstate0"]) if kind == "lstm" else [got["dstate0"]]
    assert all(np.asarray(a).dtype == np.float32 for a in arrays)
    oracle.compare(
        kind, got, oracle.torch_reference(kind, layer, prob), tol=1e-4
    )


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("kind,act", KINDS)
def test_gradcheck(impl, kind, act):
    T, B, D, H = 3, 2, 3, 4
    params = oracle.numpy_params(_layer(kind, act, D, H))
    prob = oracle.random_problem(kind, T, B, D, H, seed=1)
    got = oracle.numpy_run(kind, params, prob, impl, **_kw(act))
    inputs = {**params, "x": prob["x"].copy()}
    analytic = {**got["grads"], "x": got["dx"]}
    if kind == "lstm":
        inputs.update(h0=prob["state0"][0].copy(), c0=prob["state0"][1].copy())
        analytic.update(h0=got["dstate0"][0], c0=got["dstate0"][1])
    else:
        inputs["h0"], analytic["h0"] = prob["state0"].copy(), got["dstate0"]
    report = gradcheck(
        lambda p: oracle.loss_fn(kind, p, prob, impl, **_kw(act)),
        inputs,
        analytic,
    )
    assert set(report.rel_errors) == set(analytic)
    assert report.ok(1e-7), str(report)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("kind,act", KINDS)
def test_cell_is_one_step_of_sequence(impl, kind, act):
    """T cells reproduce the sequence forward, and chaining the cells backwards is BPTT."""
    T, B, D, H = 4, 3, 5, 6
    fwd, bwd, cell_fwd, cell_bwd = oracle.numpy_api(kind, impl)
    params = oracle.numpy_params(_layer(kind, act, D, H))
    prob = oracle.random_problem(kind, T, B, D, H, seed=2)
    y, state_T, cache = fwd(prob["x"], prob["state0"], params, **_kw(act))
    dx, dstate0, grads = bwd(prob["dy"], prob["dstate_T"], cache)

    state, caches = prob["state0"], []
    for t in range(T):
        state, c = cell_fwd(prob["x"][t], state, params, **_kw(act))
        h = state[0] if kind == "lstm" else state
        np.testing.assert_allclose(h, y[t], rtol=1e-12, atol=1e-14)
        caches.append(c)
    for a, b in zip(
        np.atleast_1d(state) if kind != "lstm" else state,
        np.atleast_1d(state_T) if kind != "lstm" else state_T,
    ):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)

    dstate, total = prob["dstate_T"], {k: 0.0 for k in params}
    for t in reversed(range(T)):
        if kind == "lstm":
            dx_t, dstate, g = cell_bwd(
                (prob["dy"][t] + dstate[0], dstate[1]), caches[t]
            )
        else:
            dx_t, dstate, g = cell_bwd(prob["dy"][t] + dstate, caches[t])
        np.testing.assert_allclose(dx_t, dx[t], rtol=1e-10, atol=1e-12)
        total = {k: total[k] + g[k] for k in g}
    for a, b in zip(
        dstate if kind == "lstm" else [dstate],
        dstate0 if kind == "lstm" else [dstate0],
    ):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    for k in grads:
        np.testing.assert_allclose(total[k], grads[k], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("kind,act", KINDS)
def test_none_state_means_zeros(impl, kind, act):
    fwd, bwd, _, _ = oracle.numpy_api(kind, impl)
    params = oracle.numpy_params(_layer(kind, act, 3, 4))
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    zeros = (
        (np.zeros((2, 4)), np.zeros((2, 4)))
        if kind == "lstm"
        else np.zeros((2, 4))
    )
    y1, _, c1 = fwd(x, None, params, **_kw(act))
    y2, _, c2 = fwd(x, zeros, params, **_kw(act))
    np.testing.assert_array_equal(y1, y2)
    dy = np.ones_like(y1)
    dx1, d1, _ = bwd(dy, None, c1)
    dx2, d2, _ = bwd(dy, zeros, c2)
    np.testing.assert_array_equal(dx1, dx2)
    np.testing.assert_array_equal(np.asarray(d1), np.asarray(d2))


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("kind,act", KINDS)
def test_inputs_are_not_modified_and_outputs_are_fresh(impl, kind, act):
    fwd, bwd, _, _ = oracle.numpy_api(kind, impl)
    params = oracle.numpy_params(_layer(kind, act, 3, 4))
    saved = {k: v.copy() for k, v in params.items()}
    prob = oracle.random_problem(kind, 5, 2, 3, 4)
    copies = {
        k: np.copy(np.asarray(prob[k]))
        for k in ("x", "state0", "dy", "dstate_T")
    }
    y, state_T, cache = fwd(prob["x"], prob["state0"], params, **_kw(act))
    y_saved = y.copy()
    y *= 0  # modifying the outputs must not corrupt the cache
    for a in (state_T if kind == "lstm" else [state_T]):
        a *= 0
    dx, _, _ = bwd(prob["dy"], prob["dstate_T"], cache)
    for k, v in copies.items():
        np.testing.assert_array_equal(np.asarray(prob[k]), v)
    for k, v in saved.items():
        np.testing.assert_array_equal(params[k], v)
    ref = oracle.numpy_run(kind, params, prob, impl, **_kw(act))
    np.testing.assert_array_equal(ref["y"], y_saved)
    np.testing.assert_array_equal(ref["dx"], dx)


@pytest.mark.parametrize("kind,act", KINDS)
def test_fast_equals_literal(kind, act):
    """The fast kernels compute what the literal code computes, to rounding."""
    layer = _layer(kind, act, 6, 8, seed=3)
    prob = oracle.random_problem(kind, 9, 4, 6, 8, seed=4)
    params = oracle.numpy_params(layer)
    oracle.compare(
        kind,
        oracle.numpy_run(kind, params, prob, "fast", **_kw(act)),
        oracle.numpy_run(kind, params, prob, "numpy", **_kw(act)),
        tol=1e-12,
    )


@pytest.mark.parametrize("kind,act", KINDS)
def test_caches_do_not_mix(kind, act):
    """A cache of one implementation given to the other's backward is a clear error."""
    params = oracle.numpy_params(_layer(kind, act, 3, 4))
    prob = oracle.random_problem(kind, 2, 2, 3, 4)
    for a, b in (("numpy", "fast"), ("fast", "numpy")):
        _, _, cache = oracle.numpy_api(kind, a)[0](
            prob["x"], None, params, **_kw(act)
        )
        with pytest.raises(ValueError, match="cache must come from"):
            oracle.numpy_api(kind, b)[1](prob["dy"], None, cache)
