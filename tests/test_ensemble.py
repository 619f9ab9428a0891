"""rnnbook.ensemble: E stacked members behave exactly like E separate torch.nn models."""

import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from rnnbook import tasks
from rnnbook.ensemble import StackedRecurrent, fit_stacked
from rnnbook.init import forget_bias_
from rnnbook.models import SequenceClassifier
from rnnbook.train import fit

CELLS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]
TOL = {torch.float32: 1e-6, torch.float64: 1e-12}


def make_members(cell, E, D=3, H=5, K=4, dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    rnns, heads = [], []
    for _ in range(E):
        if cell.startswith("rnn_"):
            rnn = nn.RNN(D, H, nonlinearity=cell[4:])
        else:
            rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[cell](D, H)
        rnns.append(rnn.to(dtype))
        heads.append(nn.Linear(H, K).to(dtype))
    return rnns, heads


def reference(rnn, head, x, readout):
    out, _ = rnn(x)  # (T, B, H)
    return head(out[-1]) if readout == "last" else head(out)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("readout", ["last", "all"])
@pytest.mark.parametrize("cell", CELLS)
def test_forward_and_gradients_equal_separate_models(cell, readout, dtype):
    E, T, B = 3, 7, 4
    rnns, heads = make_members(cell, E, dtype=dtype)
    (
        forget_bias_(rnns[0], 2.0) if cell == "lstm" else None
    )  # an init applied before stacking
    model = StackedRecurrent.from_modules(rnns, heads, readout=readout)
    x = torch.randn(E, T, B, 3, dtype=dtype)
    out = model(x)
    assert out.shape == ((E, B, 4) if readout == "last" else (E, T, B, 4))
    target = torch.randn_like(out)
    ((out - target) ** 2).sum().backward()
    tol = TOL[dtype]
    for e in range(E):
        ref = reference(rnns[e], heads[e], x[e], readout)
        torch.testing.assert_close(out[e], ref, atol=tol, rtol=tol)
        ((ref - target[e]) ** 2).sum().backward()
        pairs = [
            (model.weight_ih.grad[e], rnns[e].weight_ih_l0.grad),
            (model.weight_hh.grad[e], rnns[e].weight_hh_l0.grad),
            (model.bias_ih.grad[e, 0], rnns[e].bias_ih_l0.grad),
            (model.bias_hh.grad[e, 0], rnns[e].bias_hh_l0.grad),
            (model.head_weight.grad[e], heads[e].weight.grad),
            (model.head_bias.grad[e, 0], heads[e].bias.grad),
        ]
        for stacked, separate in pairs:
            torch.testing.assert_close(
                stacked, separate, atol=10 * tol, rtol=10 * tol
            )


def test_shared_input_and_member_round_trip():
    rnns, heads = make_members("gru", 2)
    model = StackedRecurrent.from_modules(rnns, heads)
    x = torch.randn(6, 5, 3)
    torch.testing.assert_close(model(x), model(x.expand(2, 6, 5, 3)))
    rnn1, head1 = model.member(1)
    assert isinstance(rnn1, nn.GRU)
    torch.testing.assert_close(reference(rnn1, head1, x, "last"), model(x)[1])


def _reference_run(
    rnn,
    head,
    make_batch,
    *,
    seed,
    lr,
    steps,
    batch_size,
    clip,
    eval_size,
    readout,
):
    """One member trained alone: torch.optim.Adam and torch.nn.utils.clip_grad_norm_."""
    rnn, head = copy.deepcopy(rnn), copy.deepcopy(head)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=lr)
    gen = torch.Generator().manual_seed(seed)
    make_batch(eval_size, gen)  # the evaluation batch is drawn first
    losses = []
    for _ in range(steps):
        x, y = make_batch(batch_size, gen)
        out = reference(rnn, head, x.to(params[0].dtype), readout)
        loss = F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, clip)
        opt.step()
        losses.append(loss.item())
    return rnn, head, losses


@pytest.mark.parametrize(
    "dtype, tol", [(torch.float64, 1e-10), (torch.float32, 2e-5)]
)
@pytest.mark.parametrize(
    "cell, readout",
    [
        ("lstm", "last"),
        ("gru", "all"),
        ("rnn_relu", "last"),
        ("rnn_tanh", "all"),
    ],
)
def test_training_equals_separate_runs(cell, readout, dtype, tol):
    """5 steps of fit_stacked = 5 steps of each member's own loop (own data, lr, clipping)."""
    seeds, lrs, steps = [3, 4, 5], [3e-3, 1e-2, 3e-2], 5
    if readout == "last":
        make = lambda b, g: tasks.delayed_recall(
            b, 4, n_symbols=3, generator=g
        )  # noqa: E731
        D, K = 4, 3
    else:
        make = lambda b, g: tasks.copy_memory(
            b, 3, n_symbols=3, length=2, generator=g
        )  # noqa: E731
        D, K = 5, 4
    rnns, heads = make_members(cell, 3, D=D, H=6, K=K, dtype=dtype)
    model = StackedRecurrent.from_modules(rnns, heads, readout=readout)
    # clip = 0.5 so that clipping is active for some members and steps
    hists = fit_stacked(
        model,
        make,
        steps=steps,
        seeds=seeds,
        lr=lrs,
        batch_size=8,
        clip=0.5,
        eval_size=16,
        eval_every=1,
        val_size=8,
        progress=False,
    )
    for e in range(3):
        rnn, head, losses = _reference_run(
            rnns[e],
            heads[e],
            make,
            seed=seeds[e],
            lr=lrs[e],
            steps=steps,
            batch_size=8,
            clip=0.5,
            eval_size=16,
            readout=readout,
        )
        assert hists[e].loss == pytest.approx(losses, rel=tol, abs=tol)
        trained_rnn, trained_head = model.member(e)
        for a, b in zip(
            list(trained_rnn.parameters()) + list(trained_head.parameters()),
            list(rnn.parameters()) + list(head.parameters()),
        ):
            torch.testing.assert_close(a, b, atol=tol, rtol=tol)
    assert any(n > 0.5 for h in hists for n in h.grad_norm)  # clipping did act


def test_fit_stacked_matches_rnnbook_fit():
    """Members trained together record what rnnbook.train.fit records for each alone."""
    make = lambda b, g: tasks.adding_problem(b, 6, generator=g)  # noqa: E731
    torch.manual_seed(0)
    models = [SequenceClassifier("lstm", 2, 5, 1) for _ in range(2)]
    stacked = StackedRecurrent.from_modules(
        [m.rnn for m in models], [m.head for m in models]
    )
    hists = fit_stacked(
        stacked,
        make,
        steps=6,
        seeds=[0, 1],
        lr=[1e-2, 3e-3],
        batch_size=16,
        task="regression",
        eval_size=32,
        eval_every=3,
        progress=False,
    )
    for m, seed, lr, h in zip(models, [0, 1], [1e-2, 3e-3], hists):
        alone = fit(
            m,
            make,
            steps=6,
            lr=lr,
            batch_size=16,
            task="regression",
            eval_size=32,
            eval_every=3,
            seed=seed,
            progress=False,
        )
        assert h.steps == alone.steps == [3, 6]
        assert h.eval_loss == pytest.approx(alone.eval_loss, rel=1e-5)
        assert h.grad_norm == pytest.approx(alone.grad_norm, rel=1e-5)
        assert len(h.val_loss) == 2 and h.seed == seed and h.lr == lr


def test_validation_batch_is_shared_and_separate():
    make = lambda b, g: tasks.delayed_recall(b, 2, generator=g)  # noqa: E731
    rnns, heads = make_members("gru", 2, D=5, K=4)
    rnns[1].load_state_dict(rnns[0].state_dict())
    heads[1].load_state_dict(heads[0].state_dict())
    model = StackedRecurrent.from_modules(rnns, heads)
    h = fit_stacked(
        model,
        make,
        steps=2,
        seeds=[0, 1],
        lr=0.0,
        eval_every=1,
        eval_size=64,
        val_size=64,
        progress=False,
    )
    assert h[0].val_loss == h[1].val_loss  # same weights, same batch
    assert h[0].eval_loss != h[1].eval_loss  # own evaluation batches


def test_bad_input_gives_clear_errors():
    rnns, heads = make_members("lstm", 2)
    with pytest.raises(ValueError, match="at least one member"):
        StackedRecurrent.from_modules([], [])
    with pytest.raises(ValueError, match="2 recurrent layers but 1 read-outs"):
        StackedRecurrent.from_modules(rnns, heads[:1])
    with pytest.raises(ValueError, match="same cell"):
        StackedRecurrent.from_modules([rnns[0], nn.GRU(3, 5)], heads)
    with pytest.raises(ValueError, match="same sizes"):
        StackedRecurrent.from_modules([rnns[0], nn.LSTM(3, 6)], heads)
    with pytest.raises(ValueError, match="num_layers=1"):
        StackedRecurrent.from_modules([nn.LSTM(3, 5, num_layers=2)], heads[:1])
    with pytest.raises(ValueError, match="nn.Linear"):
        StackedRecurrent.from_modules(rnns[:1], [nn.Linear(4, 4)])
    with pytest.raises(ValueError, match="one dtype"):
        StackedRecurrent.from_modules(
            [rnns[0], copy.deepcopy(rnns[1]).double()], heads
        )
    with pytest.raises(TypeError, match="expected a torch.nn RNN"):
        StackedRecurrent.from_modules([nn.Linear(3, 5)], heads[:1])
    with pytest.raises(ValueError, match="readout must be"):
        StackedRecurrent.from_modules(rnns, heads, readout="mean")
    model = StackedRecurrent.from_modules(rnns, heads)
    with pytest.raises(ValueError, match=r"x must be \(E=2, T, B, D=3\)"):
        model(torch.zeros(3, 4, 5, 3))
    with pytest.raises(ValueError, match=r"x must be"):
        model(torch.zeros(4, 5, 2))
    make = lambda b, g: tasks.delayed_recall(
        b, 2, n_symbols=2, generator=g
    )  # noqa: E731
    with pytest.raises(ValueError, match="2 members; got 3 seeds"):
        fit_stacked(
            model, make, steps=1, seeds=[0, 1, 2], lr=1e-3, progress=False
        )
    with pytest.raises(ValueError, match="val_seed"):
        fit_stacked(
            model,
            make,
            steps=1,
            seeds=[0, 7],
            lr=1e-3,
            val_seed=7,
            progress=False,
        )
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        fit_stacked(
            model, make, steps=0, seeds=[0, 1], lr=1e-3, progress=False
        )
