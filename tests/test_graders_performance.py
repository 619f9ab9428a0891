"""The graders of book/performance accept right answers and reject wrong
ones with the right message."""

from __future__ import annotations

import numpy as np
import torch

from rnnbook.graders.performance import check_flops, check_hoisted_lstm


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _gates(a, c, H):
    i, f = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), _sigmoid(a[:, 3 * H:])
    c = f * c + i * g
    return o * np.tanh(c), c


def lstm_hoisted(x, params):
    T, B, D = x.shape
    H = params["weight_hh"].shape[1]
    ax = x.reshape(T * B, D) @ params["weight_ih"].T + params["bias_ih"]
    ax = ax.reshape(T, B, 4 * H) + params["bias_hh"]
    h = np.zeros((B, H), x.dtype)
    c = np.zeros((B, H), x.dtype)
    ys = []
    for t in range(T):
        h, c = _gates(ax[t] + h @ params["weight_hh"].T, c, H)
        ys.append(h)
    return np.stack(ys)


def lstm_in_loop(x, params):
    """Right values, but W_ih x_t inside the loop."""
    T, B, D = x.shape
    H = params["weight_hh"].shape[1]
    h = np.zeros((B, H), x.dtype)
    c = np.zeros((B, H), x.dtype)
    ys = []
    for t in range(T):
        a = (x[t] @ params["weight_ih"].T + params["bias_ih"]
             + h @ params["weight_hh"].T + params["bias_hh"])
        h, c = _gates(a, c, H)
        ys.append(h)
    return np.stack(ys)


def lstm_dot_in_loop(x, params):
    """The same with np.dot, which is not a ufunc."""
    T, B, D = x.shape
    H = params["weight_hh"].shape[1]
    h = np.zeros((B, H), x.dtype)
    c = np.zeros((B, H), x.dtype)
    ys = []
    for t in range(T):
        a = (np.dot(x[t], params["weight_ih"].T) + params["bias_ih"]
             + h @ params["weight_hh"].T + params["bias_hh"])
        h, c = _gates(a, c, H)
        ys.append(h)
    return np.stack(ys)


def lstm_split_in_loop(x, params):
    """Gate blocks taken with np.split, products per gate in the loop."""
    T, B, D = x.shape
    H = params["weight_hh"].shape[1]
    W_i = np.split(params["weight_ih"], 4)
    h = np.zeros((B, H), x.dtype)
    c = np.zeros((B, H), x.dtype)
    ys = []
    for t in range(T):
        a = np.concatenate([x[t] @ w.T for w in W_i], axis=1)
        a = a + params["bias_ih"] + h @ params["weight_hh"].T \
            + params["bias_hh"]
        h, c = _gates(a, c, H)
        ys.append(h)
    return np.stack(ys)


def lstm_einsum(x, params):
    """Hoisted with np.einsum."""
    T, B, D = x.shape
    H = params["weight_hh"].shape[1]
    ax = np.einsum("tbd,gd->tbg", x, params["weight_ih"]) \
        + params["bias_ih"] + params["bias_hh"]
    h = np.zeros((B, H), x.dtype)
    c = np.zeros((B, H), x.dtype)
    ys = []
    for t in range(T):
        h, c = _gates(ax[t] + h @ params["weight_hh"].T, c, H)
        ys.append(h)
    return np.stack(ys).astype(x.dtype)


def lstm_torch(x, params):
    """torch.nn.LSTM as an independent oracle, returning (y, state)."""
    D, H = x.shape[2], params["weight_hh"].shape[1]
    dt = torch.float64 if x.dtype == np.float64 else torch.float32
    layer = torch.nn.LSTM(D, H).to(dt)
    with torch.no_grad():
        for k, v in params.items():
            getattr(layer, k + "_l0").copy_(torch.from_numpy(np.asarray(v)))
        return layer(torch.from_numpy(x))


def lstm_one_bias(x, params):
    p = dict(params)
    p["bias_hh"] = np.zeros_like(np.asarray(params["bias_hh"]))
    return lstm_hoisted(x, p)


def lstm_float64(x, params):
    return lstm_hoisted(x.astype(np.float64),
                        {k: np.asarray(v, np.float64)
                         for k, v in params.items()})


def test_accepts_the_hoisted_forward(capsys):
    assert check_hoisted_lstm(lstm_hoisted) is True
    assert "correct" in capsys.readouterr().out


def test_accepts_torch_output_as_a_tuple():
    assert check_hoisted_lstm(lstm_torch) is True


def test_accepts_einsum():
    assert check_hoisted_lstm(lstm_einsum) is True


def test_rejects_the_product_inside_the_loop(capsys):
    assert check_hoisted_lstm(lstm_in_loop) is False
    assert "still inside the loop" in capsys.readouterr().out
    assert check_hoisted_lstm(lstm_dot_in_loop) is False
    assert check_hoisted_lstm(lstm_split_in_loop) is False
    assert "still inside the loop" in capsys.readouterr().out


def test_rejects_wrong_values_and_dtypes(capsys):
    assert check_hoisted_lstm(lstm_one_bias) is False
    assert "max abs error" in capsys.readouterr().out
    assert check_hoisted_lstm(lstm_float64) is False
    assert "dtype" in capsys.readouterr().out


def test_a_stub_or_a_crash_is_a_verdict(capsys):
    assert check_hoisted_lstm(lambda x, p: None) is False
    assert "None" in capsys.readouterr().out
    assert check_hoisted_lstm(lambda x, p: 1 / 0) is False
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_flops():
    G = {"rnn": 1, "lstm": 4, "gru": 3}
    assert check_flops(
        lambda m, T, B, D, H: 2 * T * B * G[m] * H * (D + H)) is True


def test_flops_hints(capsys):
    G = {"rnn": 1, "lstm": 4, "gru": 3}
    assert check_flops(lambda m, T, B, D, H: T * B * G[m] * H * (D + H)) \
        is False
    assert "two operations" in capsys.readouterr().out
    assert check_flops(lambda m, T, B, D, H: 2 * T * B * H * (D + H)) \
        is False
    assert "gate blocks" in capsys.readouterr().out
    assert check_flops(lambda m, T, B, D, H: "many") is False


def test_the_book_s_own_kernels_against_the_grader(capsys):
    from rnnbook import speedups
    import rnnbook.fast
    import rnnbook.numpy

    for hoisted in (speedups.lstm_forward_hoisted,
                    speedups.lstm_forward_inplace,
                    rnnbook.fast.lstm_forward):
        assert check_hoisted_lstm(lambda x, p, f=hoisted: f(x, None, p)) \
            is True, hoisted.__name__
    for in_loop in (rnnbook.numpy.lstm_forward,
                    speedups.lstm_forward_inline,
                    speedups.lstm_forward_per_gate):
        capsys.readouterr()
        assert check_hoisted_lstm(lambda x, p, f=in_loop: f(x, None, p)) \
            is False, in_loop.__name__
        assert "still inside the loop" in capsys.readouterr().out
