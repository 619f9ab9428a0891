"""rnnbook.init: IRNN, forget bias, chrono and the GRU update bias."""

import pytest
import torch
from torch import nn

import rnnbook.torch as rt
from rnnbook.init import (
    chrono_init_,
    chrono_update_bias_,
    forget_bias_,
    identity_init_,
    update_bias_,
)

IMPLS = [nn, rt]


def _blocks(module):
    """(b_ih, b_hh, H) for every layer and direction."""
    p = dict(module.named_parameters())
    H = module.hidden_size
    return [
        (p[n], p[n.replace("bias_ih", "bias_hh")], H)
        for n in p
        if n.startswith("bias_ih")
    ]


@pytest.mark.parametrize("impl", IMPLS)
def test_identity_init_values_and_zero_input_keeps_h(impl):
    torch.manual_seed(0)
    rnn = impl.RNN(3, 5, num_layers=2, nonlinearity="relu")
    identity_init_(rnn, generator=torch.Generator().manual_seed(0))
    for name, p in rnn.named_parameters():
        if name.startswith("weight_hh"):
            assert torch.equal(p, torch.eye(5))
        elif name.startswith("bias"):
            assert torch.all(p == 0)
        else:
            assert p.abs().max() < 0.01 and p.std() > 0  # N(0, 0.001^2)
    h0 = torch.rand(2, 4, 5)  # h >= 0
    _, h_n = rnn(torch.zeros(20, 4, 3), h0)
    assert torch.equal(
        h_n[0], h0[0]
    )  # layer 0 sees zero input (layer 1 sees h)


def test_identity_init_needs_a_relu_rnn():
    with pytest.raises(ValueError, match="nonlinearity='relu'"):
        identity_init_(nn.RNN(2, 3))
    with pytest.raises(TypeError, match="expected an RNN layer, got LSTM"):
        identity_init_(nn.LSTM(2, 3))


@pytest.mark.parametrize("impl", IMPLS)
def test_forget_bias_sets_only_the_forget_slice(impl):
    torch.manual_seed(0)
    lstm = impl.LSTM(3, 4, num_layers=2, bidirectional=True)
    before = {n: p.clone() for n, p in lstm.named_parameters()}
    forget_bias_(lstm, 3.0)
    blocks = _blocks(lstm)
    assert len(blocks) == 4
    for b_ih, b_hh, H in blocks:
        assert torch.all(b_ih[H : 2 * H] == 3.0) and torch.all(
            b_hh[H : 2 * H] == 0
        )
    for n, p in lstm.named_parameters():
        keep = torch.ones_like(p, dtype=torch.bool)
        if n.startswith("bias"):
            keep[4:8] = False
        assert torch.equal(p[keep], before[n][keep])


@pytest.mark.parametrize("impl", IMPLS)
def test_chrono_biases(impl):
    lstm = impl.LSTM(3, 200, num_layers=2)
    chrono_init_(lstm, 50, generator=torch.Generator().manual_seed(0))
    for b_ih, b_hh, H in _blocks(lstm):
        b_f = b_ih[H : 2 * H]
        assert torch.all(b_hh[: 2 * H] == 0)
        assert torch.equal(b_ih[:H], -b_f)
        assert (
            b_f.min() >= 0
            and b_f.max() <= torch.log(torch.tensor(49.0)) + 1e-6
        )
        assert b_f.max() > 3.5  # the draws spread up to log(49) = 3.89


def test_chrono_forget_gates_have_characteristic_times_up_to_T_max():
    """Run torch.nn's LSTM one step at zero input: with b_g = 0, c_1 = f ⊙ c_0."""
    T_max, H = 100, 300
    lstm = nn.LSTM(2, H)
    chrono_init_(lstm, T_max, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        lstm.bias_ih_l0[2 * H : 3 * H] = (
            0  # g_t = tanh(0) = 0: nothing is written
        )
        lstm.bias_hh_l0[2 * H : 3 * H] = 0
    h0, c0 = torch.zeros(1, 1, H), torch.ones(1, 1, H)
    _, (_, c1) = lstm(torch.zeros(1, 1, 2), (h0, c0))
    f = c1.detach().double().flatten()
    tau = 1 / (1 - f)  # = 1 + exp(b_f)
    assert tau.min() >= 2 - 1e-4 and tau.max() <= T_max + 1e-2
    assert (tau - 1).min() >= 1 - 1e-4  # tau - 1 = exp(b_f) in [1, T_max - 1]
    assert tau.max() > 0.9 * T_max and tau.min() < 5


@pytest.mark.parametrize("impl", IMPLS)
def test_update_bias_and_its_chrono_variant(impl):
    gru = impl.GRU(3, 6, bidirectional=True)
    update_bias_(gru, 2.0)
    for b_ih, b_hh, H in _blocks(gru):
        assert torch.all(b_ih[H : 2 * H] == 2.0) and torch.all(
            b_hh[H : 2 * H] == 0
        )
    chrono_update_bias_(gru, 20, generator=torch.Generator().manual_seed(0))
    for b_ih, b_hh, H in _blocks(gru):
        b_z = b_ih[H : 2 * H]
        assert (
            b_z.min() >= 0
            and b_z.max() <= torch.log(torch.tensor(19.0)) + 1e-6
        )


def test_positive_update_bias_keeps_the_gru_state():
    torch.manual_seed(0)
    gru = nn.GRU(2, 4)
    update_bias_(gru, 8.0)
    h0 = torch.randn(1, 3, 4)
    _, h_n = gru(torch.randn(5, 3, 2), h0)
    assert torch.allclose(
        h_n, h0, atol=0.02
    )  # z = sigmoid(8) ~ 0.9997 per step


def test_init_validation():
    with pytest.raises(TypeError, match="expected an LSTM layer, got GRU"):
        forget_bias_(nn.GRU(2, 3), 1.0)
    with pytest.raises(TypeError, match="expected a GRU layer"):
        update_bias_(nn.LSTM(2, 3), 1.0)
    with pytest.raises(ValueError, match="T_max must be greater than 2"):
        chrono_init_(nn.LSTM(2, 3), 2)
    with pytest.raises(ValueError, match="bias=False"):
        forget_bias_(nn.LSTM(2, 3, bias=False), 1.0)
    with pytest.raises(TypeError, match="torch.nn's parameter names"):
        forget_bias_(nn.Linear(2, 3), 1.0)
