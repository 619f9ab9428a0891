"""rnnbook.char_rnn_numpy: loss and gradients against torch.autograd; sampling; Adam."""

from __future__ import annotations

import numpy as np
import torch

from rnnbook.char_rnn_numpy import (Adam, init_params, loss_and_grads, sample,
                                    step_logits)
from rnnbook.charlm import sequential_batches


def torch_loss(x_ids, y_ids, h0, params):
    p = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    V = params["weight_hy"].shape[0]
    h = torch.tensor(h0)
    logits = []
    for t in range(x_ids.shape[0]):
        x = torch.nn.functional.one_hot(torch.from_numpy(x_ids[t]), V).double()
        h = torch.tanh(x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T
                       + p["bias_hh"])
        logits.append(h @ p["weight_hy"].T + p["bias_y"])
    logits = torch.stack(logits)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V),
                                             torch.from_numpy(y_ids).reshape(-1))
    loss.backward()
    return loss.item(), {k: v.grad.numpy() for k, v in p.items()}, h.detach().numpy()


def test_loss_and_grads_match_autograd():
    rng = np.random.default_rng(0)
    V, H, T, B = 7, 5, 6, 3
    params = init_params(V, H, rng)
    x, y = rng.integers(0, V, (T, B)), rng.integers(0, V, (T, B))
    h0 = rng.normal(size=(B, H))
    loss, grads, h_T = loss_and_grads(x, y, h0, params)
    want_loss, want_grads, want_h = torch_loss(x, y, h0, params)
    assert abs(loss - want_loss) < 1e-12
    np.testing.assert_allclose(h_T, want_h, atol=1e-12)
    assert set(grads) == set(params)
    for k in params:
        np.testing.assert_allclose(grads[k], want_grads[k], atol=1e-12, err_msg=k)


def test_truncation_keeps_the_state_but_not_the_gradient():
    rng = np.random.default_rng(1)
    V, H = 5, 4
    params = init_params(V, H, rng)
    ids = rng.integers(0, V, 61)
    (x1, y1), (x2, y2) = list(sequential_batches(ids, 2, 10))[:2]
    _, _, h = loss_and_grads(x1, y1, None, params)
    _, grads, _ = loss_and_grads(x2, y2, h, params)
    _, want, _ = torch_loss(x2, y2, h, params)          # h enters as a constant
    for k in params:
        np.testing.assert_allclose(grads[k], want[k], atol=1e-12)


def test_sample_stops_and_step_logits_shape():
    rng = np.random.default_rng(2)
    params = init_params(4, 6, rng)
    logits, h = step_logits(np.array([0, 1, 2]), None, params)
    assert logits.shape == (3, 4) and h.shape == (3, 6)
    out = sample(params, 0, 0, n=50, max_len=12, rng=rng)
    assert len(out) == 50 and all(0 not in s and len(s) <= 12 for s in out)
    greedy = sample(params, 0, None, n=3, max_len=5, rng=rng, temperature=0)
    assert greedy[0] == greedy[1] == greedy[2] and len(greedy[0]) == 5


def test_adam_matches_torch():
    rng = np.random.default_rng(3)
    p = {"w": rng.normal(size=(3, 2))}
    tp = torch.tensor(p["w"].copy(), requires_grad=True)
    opt, topt = Adam(p, lr=0.1), torch.optim.Adam([tp], lr=0.1)
    for _ in range(5):
        g = rng.normal(size=(3, 2))
        opt.step({"w": g})
        tp.grad = torch.tensor(g)
        topt.step()
    np.testing.assert_allclose(p["w"], tp.detach().numpy(), atol=1e-12)
