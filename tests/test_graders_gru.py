"""The grader of book/gru accepts correct answers.

It rejects wrong ones with the right hint.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnbook.graders.gru import VARIANTS, check_gru_step, gru_step_variant
from rnnbook.numpy import gru_cell_forward


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def step_textbook(x_t, h_prev, params):
    """PyTorch's equations, written out one block at a time."""
    H = h_prev.shape[1]
    gi = x_t @ params["weight_ih"].T + params["bias_ih"]  # (B, 3H)
    gh = h_prev @ params["weight_hh"].T + params["bias_hh"]  # (B, 3H)
    r = _sigmoid(gi[:, :H] + gh[:, :H])
    z = _sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    return (1 - z) * n + z * h_prev


def step_torch(x_t, h_prev, params):
    """torch.nn.GRUCell as an independent oracle."""
    D, H = x_t.shape[1], h_prev.shape[1]
    dt = torch.float64 if x_t.dtype == np.float64 else torch.float32
    cell = torch.nn.GRUCell(D, H).to(dt)
    with torch.no_grad():
        for k, v in params.items():
            getattr(cell, k).copy_(torch.from_numpy(v))
        return cell(torch.from_numpy(x_t), torch.from_numpy(h_prev)).numpy()


def step_torch_tensor(x_t, h_prev, params):
    """Returning a torch tensor is accepted too."""
    return torch.from_numpy(step_textbook(x_t, h_prev, params))


def step_reset_before(x_t, h_prev, params):  # Cho et al. 2014, d2l scratch
    H = h_prev.shape[1]
    W_ih, W_hh, b_ih, b_hh = (
        params[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    )
    gi = x_t @ W_ih.T + b_ih
    r = _sigmoid(gi[:, :H] + h_prev @ W_hh[:H].T + b_hh[:H])
    z = _sigmoid(
        gi[:, H : 2 * H] + h_prev @ W_hh[H : 2 * H].T + b_hh[H : 2 * H]
    )
    n = np.tanh(
        gi[:, 2 * H :] + (r * h_prev) @ W_hh[2 * H :].T + b_hh[2 * H :]
    )
    return (1 - z) * n + z * h_prev


def step_one_minus_z(x_t, h_prev, params):  # colah / Ng interpolation
    H = h_prev.shape[1]
    gi = x_t @ params["weight_ih"].T + params["bias_ih"]
    gh = h_prev @ params["weight_hh"].T + params["bias_hh"]
    r = _sigmoid(gi[:, :H] + gh[:, :H])
    z = _sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    return z * n + (1 - z) * h_prev


def step_colah(x_t, h_prev, params):  # both differences at once
    H = h_prev.shape[1]
    W_ih, W_hh, b_ih, b_hh = (
        params[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    )
    gi = x_t @ W_ih.T + b_ih
    r = _sigmoid(gi[:, :H] + h_prev @ W_hh[:H].T + b_hh[:H])
    z = _sigmoid(
        gi[:, H : 2 * H] + h_prev @ W_hh[H : 2 * H].T + b_hh[H : 2 * H]
    )
    n = np.tanh(
        gi[:, 2 * H :] + (r * h_prev) @ W_hh[2 * H :].T + b_hh[2 * H :]
    )
    return z * n + (1 - z) * h_prev


def step_bias_outside(x_t, h_prev, params):
    H = h_prev.shape[1]
    gi = x_t @ params["weight_ih"].T + params["bias_ih"]
    gh = h_prev @ params["weight_hh"].T
    b = params["bias_hh"]
    r = _sigmoid(gi[:, :H] + gh[:, :H] + b[:H])
    z = _sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H] + b[H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :] + b[2 * H :])
    return (1 - z) * n + z * h_prev


def step_order_zrn(x_t, h_prev, params):
    H = h_prev.shape[1]
    gi = x_t @ params["weight_ih"].T + params["bias_ih"]
    gh = h_prev @ params["weight_hh"].T + params["bias_hh"]
    z = _sigmoid(gi[:, :H] + gh[:, :H])
    r = _sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    return (1 - z) * n + z * h_prev


def step_no_tanh(x_t, h_prev, params):
    H = h_prev.shape[1]
    gi = x_t @ params["weight_ih"].T + params["bias_ih"]
    gh = h_prev @ params["weight_hh"].T + params["bias_hh"]
    r = _sigmoid(gi[:, :H] + gh[:, :H])
    z = _sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = gi[:, 2 * H :] + r * gh[:, 2 * H :]
    return (1 - z) * n + z * h_prev


def step_float64_always(x_t, h_prev, params):
    return step_textbook(
        x_t.astype(np.float64),
        h_prev.astype(np.float64),
        {k: v.astype(np.float64) for k, v in params.items()},
    )


def step_returns_pair(x_t, h_prev, params):
    h = step_textbook(x_t, h_prev, params)
    return h, h


def step_stub(x_t, h_prev, params):
    return None  # your code here


def step_crash(x_t, h_prev, params):
    raise NotImplementedError("todo")


def test_variants_default_is_torch():
    rng = np.random.default_rng(1)
    B, D, H = 3, 4, 5
    params = {
        "weight_ih": rng.normal(size=(3 * H, D)),
        "weight_hh": rng.normal(size=(3 * H, H)),
        "bias_ih": rng.normal(size=3 * H),
        "bias_hh": rng.normal(size=3 * H),
    }
    x, h = rng.normal(size=(B, D)), rng.uniform(-0.9, 0.9, (B, H))
    ref, _ = gru_cell_forward(x, h, params)
    assert np.allclose(gru_step_variant(x, h, params), ref, atol=1e-13)
    assert np.allclose(step_torch(x, h, params), ref, atol=1e-13)
    for name, (
        kwargs,
        _,
    ) in VARIANTS.items():  # every recognised variant really differs
        assert (
            np.max(np.abs(gru_step_variant(x, h, params, **kwargs) - ref))
            > 1e-3
        ), name


def test_accepts_correct(capsys):
    assert check_gru_step(step_textbook) is True
    assert check_gru_step(step_torch) is True
    assert check_gru_step(step_torch_tensor) is True
    assert check_gru_step(step_textbook, seed=5, n_cases=12) is True
    assert "correct" in capsys.readouterr().out


WRONG = [
    step_reset_before,
    step_one_minus_z,
    step_colah,
    step_bias_outside,
    step_order_zrn,
    step_no_tanh,
    step_float64_always,
    step_returns_pair,
    step_stub,
    step_crash,
]


@pytest.mark.parametrize("wrong", WRONG, ids=lambda f: f.__name__)
def test_rejects_wrong(wrong, capsys):
    assert check_gru_step(wrong) is False
    assert capsys.readouterr().out.startswith("not yet")


@pytest.mark.parametrize(
    "wrong,words",
    [
        (step_reset_before, ("before the matrix product", "Cho")),
        (step_one_minus_z, ("swapped z_t and 1 - z_t",)),
        (step_colah, ("colah's and Ng's GRU",)),
        (step_bias_outside, ("b_hn outside",)),
        (step_order_zrn, ("order r, z, n",)),
        (step_stub, ("got None",)),
        (step_crash, ("NotImplementedError",)),
        (step_float64_always, ("dtype",)),
        (step_no_tanh, ("max abs error",)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_messages_name_the_mistake(wrong, words, capsys):
    check_gru_step(wrong)
    out = capsys.readouterr().out
    for w in words:
        assert w in out, (wrong.__name__, out)


def test_no_hint_for_unrelated_errors(capsys):
    check_gru_step(step_no_tanh)
    assert "Hint" not in capsys.readouterr().out
