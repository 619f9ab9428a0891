"""rnnbook.forecast: shapes, causality, training, range test, multi-step."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnbook.forecast import (
    DenseForecaster, LinearForecaster, RecurrentForecaster, direct_targets,
    fit_forecaster, lr_range_test, predict, recursive_forecast,
)


@pytest.mark.parametrize("make", [
    lambda: LinearForecaster(6, horizon=3),
    lambda: DenseForecaster(6, horizon=3),
    lambda: RecurrentForecaster("rnn", horizon=3, hidden_size=4),
    lambda: RecurrentForecaster("lstm", horizon=3, hidden_size=4),
    lambda: RecurrentForecaster("gru", horizon=3, hidden_size=4),
    lambda: RecurrentForecaster("lstm", horizon=3, hidden_size=4,
                                conv_channels=5),
])
def test_shapes(make):
    torch.manual_seed(0)
    model = make()
    assert model(torch.randn(7, 6)).shape == (7, 3)
    assert model(torch.randn(7, 6, 1)).shape == (7, 3)
    with pytest.raises(ValueError, match="windows of shape"):
        model(torch.randn(6))


def test_recurrent_equals_torch_nn_on_the_last_step():
    torch.manual_seed(0)
    model = RecurrentForecaster("lstm", hidden_size=5)
    x = torch.randn(4, 9)
    out, _ = model.rnn(x.T.unsqueeze(-1))             # (m, B, H), time-major
    torch.testing.assert_close(model(x), model.head(out[-1]))


def test_conv_is_causal():
    # the conv output at step t sees only steps t-2..t: changing the last input
    # changes only the last conv output
    torch.manual_seed(0)
    model = RecurrentForecaster("lstm", hidden_size=3, conv_channels=4)
    x = torch.randn(2, 8, 1)
    y = x.clone()
    y[:, -1] += 5.0

    def conv_out(z):
        padded = torch.nn.functional.pad(z.transpose(1, 2), (2, 0))
        return model.conv(padded)

    diff = (conv_out(x) - conv_out(y)).abs().sum(dim=(0, 1))
    assert torch.all(diff[:-1] == 0) and diff[-1] > 0


def test_fit_learns_a_linear_rule():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 4)).astype(np.float32)
    y = X @ np.array([0.5, -1.0, 0.0, 2.0], dtype=np.float32) + 0.3
    torch.manual_seed(0)
    model = LinearForecaster(4)
    history = fit_forecaster(model, X, y, epochs=60, lr=3e-2, progress=False)
    assert history[-1] < 1e-3 < history[0]
    assert np.abs(predict(model, X) - y).max() < 0.1
    with pytest.raises(ValueError, match="loss"):
        fit_forecaster(model, X, y, epochs=1, loss="hinge", progress=False)
    with pytest.raises(ValueError, match="as many rows"):
        fit_forecaster(model, X, y[:10], epochs=1, progress=False)


def test_lr_range_test_grows_geometrically_and_stops_on_divergence():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(128, 4)).astype(np.float32)
    y = X.sum(1)
    torch.manual_seed(0)
    lrs, losses = lr_range_test(LinearForecaster(4), X, y, lr_min=1e-4,
                                lr_max=100.0, steps=60)
    assert len(lrs) == len(losses) <= 60
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], (1e6) ** (1 / 59),
                               rtol=1e-9)
    assert losses[-1] > 4 * losses.min()              # it diverged and stopped
    with pytest.raises(ValueError):
        lr_range_test(LinearForecaster(4), X, y, lr_min=1.0, lr_max=0.1)


def test_recursive_forecast_feeds_back_its_forecasts():
    torch.manual_seed(0)
    model = LinearForecaster(3)
    w = model.linear.weight.detach().numpy()[0]
    b = float(model.linear.bias.detach()[0])
    window = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    got = recursive_forecast(model, window, 4)
    want, z = [], list(window[0])
    for _ in range(4):
        nxt = float(np.dot(w, z[-3:]) + b)
        want.append(nxt)
        z.append(nxt)
    np.testing.assert_allclose(got[0], want, rtol=1e-5)
    np.testing.assert_allclose(got[:, 0], predict(model, window), rtol=1e-6)
    with pytest.raises(ValueError, match="horizon"):
        recursive_forecast(model, window, 0)


def test_direct_targets():
    x = np.arange(10)
    np.testing.assert_array_equal(direct_targets(x, np.array([2, 7]), 3),
                                  [[2, 3, 4], [7, 8, 9]])
    with pytest.raises(ValueError, match="runs past"):
        direct_targets(x, np.array([8]), 3)


def test_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        RecurrentForecaster("transformer")
