"""The graders of book/lstm accept correct answers and reject wrong ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnbook.graders.lstm import check_forget_bias, check_lstm_step

# --------------------------------------------------------------- one LSTM step


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def step_textbook(x_t, h_prev, c_prev, params):
    """The equations as written, one gate block at a time."""
    H = h_prev.shape[1]
    a = (
        x_t @ params["weight_ih"].T
        + params["bias_ih"]
        + h_prev @ params["weight_hh"].T
        + params["bias_hh"]
    )  # (B, 4H)
    i, f = _sigmoid(a[:, :H]), _sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), _sigmoid(a[:, 3 * H :])
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def step_torch(x_t, h_prev, c_prev, params):
    """torch.nn.LSTMCell as an independent oracle."""
    D, H = x_t.shape[1], h_prev.shape[1]
    cell = torch.nn.LSTMCell(D, H).to(
        torch.float64 if x_t.dtype == np.float64 else torch.float32
    )
    with torch.no_grad():
        for k, v in params.items():
            getattr(cell, k).copy_(torch.from_numpy(v))
        h, c = cell(
            torch.from_numpy(x_t),
            (torch.from_numpy(h_prev), torch.from_numpy(c_prev)),
        )
    return h.numpy(), c.numpy()


def step_gate_order_ifog(
    x_t, h_prev, c_prev, params
):  # Keras-like order i, f, c, o read as i, f, o, g
    H = h_prev.shape[1]
    a = (
        x_t @ params["weight_ih"].T
        + params["bias_ih"]
        + h_prev @ params["weight_hh"].T
        + params["bias_hh"]
    )
    i, f = _sigmoid(a[:, :H]), _sigmoid(a[:, H : 2 * H])
    o, g = _sigmoid(a[:, 2 * H : 3 * H]), np.tanh(a[:, 3 * H :])
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def step_one_bias(x_t, h_prev, c_prev, params):
    p = dict(params, bias_hh=np.zeros_like(params["bias_hh"]))
    return step_textbook(x_t, h_prev, c_prev, p)


def step_no_tanh_on_c(x_t, h_prev, c_prev, params):
    h, c = step_textbook(x_t, h_prev, c_prev, params)
    H = h.shape[1]
    a = (
        x_t @ params["weight_ih"].T
        + params["bias_ih"]
        + h_prev @ params["weight_hh"].T
        + params["bias_hh"]
    )
    return _sigmoid(a[:, 3 * H :]) * c, c


def step_swapped_state(x_t, h_prev, c_prev, params):
    h, c = step_textbook(x_t, h_prev, c_prev, params)
    return c, h


def step_float64_always(x_t, h_prev, c_prev, params):
    h, c = step_textbook(
        x_t.astype(np.float64),
        h_prev.astype(np.float64),
        c_prev.astype(np.float64),
        {k: v.astype(np.float64) for k, v in params.items()},
    )
    return h, c


def step_stub(x_t, h_prev, c_prev, params):
    return None  # your code here


def step_crash(x_t, h_prev, c_prev, params):
    raise NotImplementedError("todo")


def test_lstm_step_accepts_correct(capsys):
    assert check_lstm_step(step_textbook) is True
    assert check_lstm_step(step_torch) is True
    assert check_lstm_step(step_textbook, seed=3, n_cases=10) is True
    assert "correct" in capsys.readouterr().out


def test_lstm_step_rejects_wrong(capsys):
    for wrong in (
        step_gate_order_ifog,
        step_one_bias,
        step_no_tanh_on_c,
        step_swapped_state,
        step_float64_always,
        step_stub,
        step_crash,
    ):
        assert check_lstm_step(wrong) is False, wrong.__name__
        out = capsys.readouterr().out
        assert out.startswith("not yet"), (wrong.__name__, out)


def test_lstm_step_messages_say_what_is_wrong(capsys):
    check_lstm_step(step_stub)
    assert "got None" in capsys.readouterr().out
    check_lstm_step(step_crash)
    assert "NotImplementedError" in capsys.readouterr().out
    check_lstm_step(step_float64_always)
    assert "dtype" in capsys.readouterr().out
    check_lstm_step(step_no_tanh_on_c)
    assert "max abs error" in capsys.readouterr().out


# ------------------------------------------------------------ forget-gate bias


def bias_right(lstm, value):
    H = lstm.hidden_size
    with torch.no_grad():
        for name, p in lstm.named_parameters():
            if name.startswith("bias_ih"):
                p[H : 2 * H] = value
            elif name.startswith("bias_hh"):
                p[H : 2 * H] = 0.0


def bias_right_split(lstm, value):  # any split of the sum is fine
    H = lstm.hidden_size
    with torch.no_grad():
        for name, p in lstm.named_parameters():
            if name.startswith("bias_"):
                p[H : 2 * H] = value / 2


def bias_both(lstm, value):  # the trap: the sum becomes 2 * value
    H = lstm.hidden_size
    with torch.no_grad():
        for name, p in lstm.named_parameters():
            if name.startswith("bias_"):
                p[H : 2 * H] = value


def bias_ih_only(lstm, value):  # leaves b_hh's random forget slice in the sum
    H = lstm.hidden_size
    with torch.no_grad():
        for name, p in lstm.named_parameters():
            if name.startswith("bias_ih"):
                p[H : 2 * H] = value


def bias_wrong_slice(lstm, value):  # the input gate, not the forget gate
    H = lstm.hidden_size
    with torch.no_grad():
        for name, p in lstm.named_parameters():
            if name.startswith("bias_ih"):
                p[:H] = value
            elif name.startswith("bias_hh"):
                p[:H] = 0.0


def bias_whole_vector(lstm, value):  # all four gates
    with torch.no_grad():
        for name, p in lstm.named_parameters():
            if name.startswith("bias_ih"):
                p.fill_(value)
            elif name.startswith("bias_hh"):
                p.zero_()


def bias_first_layer_only(lstm, value):
    H = lstm.hidden_size
    with torch.no_grad():
        lstm.bias_ih_l0[H : 2 * H] = value
        lstm.bias_hh_l0[H : 2 * H] = 0.0


def bias_stub(lstm, value):
    pass  # your code here


def test_forget_bias_accepts_correct(capsys):
    assert check_forget_bias(bias_right) is True
    assert check_forget_bias(bias_right_split) is True
    assert "correct" in capsys.readouterr().out


def test_forget_bias_rejects_wrong(capsys):
    for wrong in (
        bias_both,
        bias_ih_only,
        bias_wrong_slice,
        bias_whole_vector,
        bias_first_layer_only,
        bias_stub,
    ):
        assert check_forget_bias(wrong) is False, wrong.__name__
        out = capsys.readouterr().out
        assert out.startswith("not yet"), (wrong.__name__, out)


def test_forget_bias_grader_does_not_raise(capsys):
    def crash(lstm, value):
        raise RuntimeError("boom")

    assert check_forget_bias(crash) is False
    assert "RuntimeError" in capsys.readouterr().out


def bias_then_double(
    lstm, value
):  # right values, but the whole LSTM is now float64
    bias_right(lstm, value)
    lstm.double()


def bias_data_double(lstm, value):  # the bias tensors silently become float64
    H = lstm.hidden_size
    for name, p in lstm.named_parameters():
        if name.startswith("bias_"):
            b = p.data.double()
            b[H : 2 * H] = value if name.startswith("bias_ih") else 0.0
            p.data = b


def bias_without_no_grad(lstm, value):  # in place on a leaf that requires grad
    H = lstm.hidden_size
    for name, p in lstm.named_parameters():
        if name.startswith("bias_ih"):
            p[H : 2 * H] = value
        elif name.startswith("bias_hh"):
            p[H : 2 * H] = 0.0


def bias_frozen(lstm, value):  # the biases no longer learn
    for p in lstm.parameters():
        p.requires_grad_(False)
    bias_right(lstm, value)


def bias_via_data(lstm, value):  # .data is fine in real use too
    H = lstm.hidden_size
    for name, p in lstm.named_parameters():
        if name.startswith("bias_"):
            p.data[H : 2 * H] = value if name.startswith("bias_ih") else 0.0


@pytest.mark.parametrize(
    "wrong, words",
    [
        (bias_then_double, "dtype"),
        (bias_data_double, "dtype"),
        (bias_without_no_grad, "no_grad"),
        (bias_frozen, "requires_grad"),
    ],
)
def test_forget_bias_runs_the_answer_as_it_is_used(wrong, words, capsys):
    """Under the grader's no_grad() these passed (or crashed the grader)."""
    assert check_forget_bias(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet") and words in out, out


def test_forget_bias_accepts_data_and_grad_stays_enabled(capsys):
    assert check_forget_bias(bias_via_data) is True, capsys.readouterr().out
    assert torch.is_grad_enabled()
