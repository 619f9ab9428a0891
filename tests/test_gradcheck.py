"""The gradient checker itself: it passes right gradients and fails wrong ones."""

import numpy as np
import pytest

from rnnbook.gradcheck import GradCheckReport, gradcheck, numerical_gradient


def test_numerical_gradient_of_known_function():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    x_saved = x.copy()
    g = numerical_gradient(lambda v: np.sum(np.sin(v) * v), x)
    np.testing.assert_allclose(
        g, np.cos(x_saved) * x_saved + np.sin(x_saved), rtol=1e-8, atol=1e-9
    )
    np.testing.assert_array_equal(x, x_saved)  # restored


def test_numerical_gradient_on_a_noncontiguous_view_and_subset():
    base = np.arange(12.0).reshape(3, 4)
    view = base[:, ::2]  # perturbing must reach base
    g = numerical_gradient(lambda v: np.sum(base**2), view, indices=[0, 5])
    np.testing.assert_allclose(g, 2 * view.ravel()[[0, 5]], rtol=1e-7)
    np.testing.assert_array_equal(base, np.arange(12.0).reshape(3, 4))


def test_restored_when_f_raises():
    x = np.ones(3)

    def f(v):
        if v[1] != 1.0:
            raise RuntimeError("boom")
        return v.sum()

    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, np.ones(3))


def test_float32_warns():
    with pytest.warns(UserWarning, match="float64"):
        numerical_gradient(
            lambda v: float(v.sum()), np.ones(2, np.float32), eps=1e-2
        )


def _quadratic():
    rng = np.random.default_rng(1)
    params = {"A": rng.standard_normal((4, 3)), "b": rng.standard_normal(4)}
    v = rng.standard_normal(3)

    def f(p):
        return 0.5 * np.sum((p["A"] @ v + p["b"]) ** 2)

    r = params["A"] @ v + params["b"]
    return f, params, {"A": np.outer(r, v), "b": r}


def test_right_gradient_passes():
    f, params, analytic = _quadratic()
    report = gradcheck(f, params, analytic)
    assert isinstance(report, GradCheckReport)
    assert report.ok(1e-8), str(report)
    assert set(report.rel_errors) == {"A", "b"}
    assert report.n_checked == {"A": 12, "b": 4}
    text = str(report)
    assert (
        "max relative error" in text and "A" in text and "worst entry" in text
    )


def test_wrong_gradient_fails_and_is_located():
    f, params, analytic = _quadratic()
    wrong = {k: v.copy() for k, v in analytic.items()}
    wrong["A"][2, 1] += 0.5  # one bad entry
    report = gradcheck(f, params, wrong)
    assert not report.ok(1e-6)
    assert report.rel_errors["b"] < 1e-8
    assert report.rel_errors["A"] > 1e-3
    assert report.worst_key == "A" and report.worst_index == (2, 1)
    assert report.worst_analytic == pytest.approx(wrong["A"][2, 1])
    assert report.worst_numerical == pytest.approx(
        analytic["A"][2, 1], rel=1e-6
    )


def test_wrong_sign_fails():
    f, params, analytic = _quadratic()
    report = gradcheck(f, params, {"b": -analytic["b"]})
    assert report.max_rel_error == pytest.approx(1.0)
    assert not report.ok(0.5)


def test_wrong_rnn_backward_is_caught():
    """A classic BPTT bug (forgetting the recurrent term) fails the check."""
    from rnnbook.numpy import rnn_backward, rnn_forward

    rng = np.random.default_rng(2)
    T, B, D, H = 4, 2, 3, 5
    params = {
        "weight_ih": rng.standard_normal((H, D)),
        "weight_hh": rng.standard_normal((H, H)) * 0.5,
        "bias_ih": rng.standard_normal(H),
        "bias_hh": rng.standard_normal(H),
    }
    x, dy = rng.standard_normal((T, B, D)), rng.standard_normal((T, B, H))

    def loss(p):
        return np.sum(rnn_forward(x, None, p)[0] * dy)

    y, _, cache = rnn_forward(x, None, params)
    _, _, grads = rnn_backward(dy, None, cache)
    assert gradcheck(loss, params, grads).ok(1e-7)

    # truncated to one step: only the direct term, no gradient through time
    bad = {k: 0.0 for k in grads}
    for t in range(T):
        _, _, cache_t = rnn_forward(
            x[t : t + 1], y[t - 1] if t else None, params
        )
        bad = {
            k: bad[k] + v
            for k, v in rnn_backward(dy[t : t + 1], None, cache_t)[2].items()
        }
    report = gradcheck(loss, params, bad)
    assert not report.ok(1e-4)
    assert report.rel_errors["weight_hh"] > 1e-2


def test_max_entries_subsamples_reproducibly():
    f, params, analytic = _quadratic()
    r1 = gradcheck(f, params, analytic, max_entries=5, seed=3)
    r2 = gradcheck(f, params, analytic, max_entries=5, seed=3)
    assert r1.n_checked == {"A": 5, "b": 4}
    assert r1.rel_errors == r2.rel_errors
    assert r1.ok(1e-8)


def test_bad_keys_and_shapes():
    f, params, analytic = _quadratic()
    with pytest.raises(ValueError, match="'C'"):
        gradcheck(f, params, {"C": np.zeros(2)})
    with pytest.raises(ValueError, match="shape"):
        gradcheck(f, params, {"b": np.zeros(3)})


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("key", ["A", "b"])
def test_non_finite_analytic_gradient_fails_in_any_key(key, bad):
    """max() drops NaN: a NaN in the second key used to pass."""
    f, params, analytic = _quadratic()
    analytic[key] = analytic[key].copy()
    analytic[key].flat[1] = bad
    report = gradcheck(f, params, analytic)
    assert not report.ok(1e-6) and not report.ok(np.inf), str(report)
    assert report.worst_key == key
    text = str(report)
    assert "not finite" in text and key in text


def test_nan_loss_fails():
    f, params, analytic = _quadratic()

    def nan_loss(p):
        return f(p) * np.nan

    report = gradcheck(nan_loss, params, analytic)
    assert not report.ok(np.inf), str(report)
    assert "loss" in str(report) and "not finite" in str(report)


def test_loss_that_turns_nan_under_perturbation_fails():
    """A numerical gradient that is NaN (the loss is NaN beside the point) fails."""
    f, params, analytic = _quadratic()
    b0 = params["b"].copy()

    def loss(p):
        return f(p) if np.array_equal(p["b"], b0) else np.nan

    report = gradcheck(loss, params, analytic)
    assert not report.ok(np.inf), str(report)
    assert report.rel_errors["A"] < 1e-8
    assert report.worst_key == "b"
