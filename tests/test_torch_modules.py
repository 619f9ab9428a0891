"""rnnbook.torch.{RNN, LSTM, GRU} against torch.nn as the oracle (float64)."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

import rnnbook.torch as rt

T, B, D, H = 5, 3, 4, 6
TOL = dict(rtol=1e-10, atol=1e-12)
# kind -> (ours, torch.nn, extra constructor kwargs)
KINDS = {
    "rnn_tanh": (rt.RNN, torch.nn.RNN, {"nonlinearity": "tanh"}),
    "rnn_relu": (rt.RNN, torch.nn.RNN, {"nonlinearity": "relu"}),
    "lstm": (rt.LSTM, torch.nn.LSTM, {}),
    "gru": (rt.GRU, torch.nn.GRU, {}),
}


def pair(kind, seed=0, **kw):
    """(ours, torch.nn) with identical float64 parameters."""
    ours_cls, ref_cls, extra = KINDS[kind]
    kw = {**extra, **kw}
    torch.manual_seed(seed)
    ref = ref_cls(D, H, dtype=torch.float64, **kw)
    ours = ours_cls(D, H, dtype=torch.float64, **kw)
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def random_state(kind, n, batch=B, seed=1):
    g = torch.Generator().manual_seed(seed)
    r = lambda: torch.randn(
        n, batch, H, dtype=torch.float64, generator=g
    )  # noqa: E731
    return (r(), r()) if kind == "lstm" else r()


def flat_state(kind, s):
    return list(s) if kind == "lstm" else [s]


def run_and_grad(kind, module, x, state):
    """Forward, then backward of a random linear functional of every output."""
    x = x.clone().requires_grad_(True)
    state = (
        None
        if state is None
        else [s.clone().requires_grad_(True) for s in flat_state(kind, state)]
    )
    hx = (
        None
        if state is None
        else (tuple(state) if kind == "lstm" else state[0])
    )
    y, s_n = module(x, hx)
    outs = [y] + flat_state(kind, s_n)
    g = torch.Generator().manual_seed(7)
    loss = sum(
        (o * torch.randn(o.shape, dtype=o.dtype, generator=g)).sum()
        for o in outs
    )
    loss.backward()
    grads = {n: p.grad for n, p in module.named_parameters()}
    grads["input"] = x.grad
    for i, s in enumerate(state or []):
        grads[f"state{i}"] = s.grad
    return [o.detach() for o in outs], grads


def assert_same(kind, ours, ref, x, state):
    o1, g1 = run_and_grad(kind, ours, x, state)
    o2, g2 = run_and_grad(kind, ref, x, state)
    assert len(o1) == len(o2)
    for a, b in zip(o1, o2):
        assert a.shape == b.shape
        torch.testing.assert_close(a, b, **TOL)
    assert g1.keys() == g2.keys()
    for name in g2:
        torch.testing.assert_close(
            g1[name], g2[name], **TOL, msg=lambda m: f"{name}: {m}"
        )


CONFIGS = list(
    itertools.product((1, 2, 3), (False, True), (False, True), (False, True))
)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize(
    "layers,bidirectional,batch_first,with_state", CONFIGS
)
def test_matches_torch_nn(
    kind, layers, bidirectional, batch_first, with_state
):
    ours, ref = pair(
        kind,
        num_layers=layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
    )
    x = torch.randn(
        (B, T, D) if batch_first else (T, B, D), dtype=torch.float64
    )
    state = (
        random_state(kind, layers * (2 if bidirectional else 1))
        if with_state
        else None
    )
    assert_same(kind, ours, ref, x, state)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_no_bias(kind, bidirectional):
    ours, ref = pair(
        kind, num_layers=2, bias=False, bidirectional=bidirectional
    )
    assert not any("bias" in n for n, _ in ours.named_parameters())
    x = torch.randn(T, B, D, dtype=torch.float64)
    assert_same(
        kind, ours, ref, x, random_state(kind, 4 if bidirectional else 2)
    )


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("batch_first", [False, True])
def test_unbatched_input(kind, batch_first):
    ours, ref = pair(
        kind, num_layers=2, bidirectional=True, batch_first=batch_first
    )
    x = torch.randn(T, D, dtype=torch.float64)
    s = random_state(kind, 4, batch=1)
    s = tuple(t[:, 0] for t in s) if kind == "lstm" else s[:, 0]
    assert_same(kind, ours, ref, x, s)
    assert_same(kind, ours, ref, x, None)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_no_grad_path_matches_and_keeps_inputs(kind, bidirectional):
    """Without autograd the cells update buffers in place: same numbers, inputs untouched."""
    ours, ref = pair(kind, num_layers=2, bidirectional=bidirectional)
    x = torch.randn(T, B, D, dtype=torch.float64)
    state = random_state(kind, 4 if bidirectional else 2)
    x0, s0 = x.clone(), [s.clone() for s in flat_state(kind, state)]
    for ctx in (torch.no_grad, torch.inference_mode):
        with ctx():
            y1, n1 = ours(x, state)
            y2, n2 = ref(x, state)
        torch.testing.assert_close(y1, y2, **TOL)
        for a, b in zip(flat_state(kind, n1), flat_state(kind, n2)):
            torch.testing.assert_close(a, b, **TOL)
    # Grad mode on, but nothing requires grad: the in-place path too.
    ours.requires_grad_(False)
    y3, n3 = ours(x, state)
    assert y3.grad_fn is None
    torch.testing.assert_close(y3, y2, **TOL)
    assert torch.equal(x, x0)
    assert all(torch.equal(a, b) for a, b in zip(flat_state(kind, state), s0))


# ------------------------------------------------------------------- dropout
@pytest.mark.parametrize("kind", list(KINDS))
def test_dropout_eval_mode_matches(kind):
    ours, ref = pair(kind, num_layers=3, dropout=0.5, bidirectional=True)
    ours.eval()
    ref.eval()
    x = torch.randn(T, B, D, dtype=torch.float64)
    assert_same(kind, ours, ref, x, random_state(kind, 6))


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn_tanh"])
def test_dropout_only_between_layers(kind):
    ours, _ = pair(kind, num_layers=2, dropout=1.0)
    x = torch.randn(T, B, D, dtype=torch.float64)
    state = random_state(kind, 2)
    ours.train()
    with torch.no_grad():
        y, s_n = ours(x, state)
        ours.eval()
        y_eval, s_eval = ours(x, state)
    first, second = [s[0] for s in flat_state(kind, s_n)], [
        s[1] for s in flat_state(kind, s_n)
    ]
    # Layer 0 sees the undropped input: its final state is as in eval mode.
    for a, b in zip(first, [s[0] for s in flat_state(kind, s_eval)]):
        torch.testing.assert_close(a, b, **TOL)
    # The last layer's output is not dropped (p=1 would zero it) ...
    assert (y != 0).float().mean() > 0.9
    # ... and layer 1 saw an all-zero input: compare with a 1-layer model on zeros.
    one = KINDS[kind][0](H, H, dtype=torch.float64, **KINDS[kind][2])
    one.load_state_dict(
        {
            k.replace("_l1", "_l0"): v
            for k, v in ours.state_dict().items()
            if "_l1" in k
        }
    )
    s1 = [s[1:2] for s in flat_state(kind, state)]
    with torch.no_grad():
        y1, s1_n = one(
            torch.zeros(T, B, H, dtype=torch.float64),
            tuple(s1) if kind == "lstm" else s1[0],
        )
    torch.testing.assert_close(y, y1, **TOL)
    for a, b in zip(second, flat_state(kind, s1_n)):
        torch.testing.assert_close(a, b[0], **TOL)


def test_dropout_statistics_and_modes():
    ours, _ = pair("lstm", num_layers=2, dropout=0.5)
    x = torch.randn(T, B, D, dtype=torch.float64)
    ours.train()
    with torch.no_grad():
        a, b = ours(x)[0], ours(x)[0]
        ours.eval()
        c, d = ours(x)[0], ours(x)[0]
    assert not torch.allclose(a, b)  # random in training mode
    assert torch.equal(c, d)  # deterministic in eval mode
    with pytest.warns(UserWarning):
        rt.GRU(D, H, num_layers=1, dropout=0.3)


# ------------------------------------------------------------------- parameters
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("bias", [True, False])
def test_state_dict_both_ways(kind, bias):
    ours_cls, ref_cls, extra = KINDS[kind]
    kw = dict(
        num_layers=2,
        bidirectional=True,
        bias=bias,
        dtype=torch.float64,
        **extra,
    )
    torch.manual_seed(3)
    ours, ref = ours_cls(D, H, **kw), ref_cls(D, H, **kw)
    sd_o, sd_r = ours.state_dict(), ref.state_dict()
    assert list(sd_o) == list(sd_r)  # names, in order
    assert [v.shape for v in sd_o.values()] == [v.shape for v in sd_r.values()]
    assert [n for n, _ in ours.named_parameters()] == [
        n for n, _ in ref.named_parameters()
    ]
    x = torch.randn(T, B, D, dtype=torch.float64)
    # ours -> torch.nn
    ref.load_state_dict(sd_o)
    torch.testing.assert_close(ours(x)[0], ref(x)[0], **TOL)
    # torch.nn -> ours
    fresh = ref_cls(D, H, **kw)
    ours.load_state_dict(fresh.state_dict())
    torch.testing.assert_close(ours(x)[0], fresh(x)[0], **TOL)


@pytest.mark.parametrize("kind", list(KINDS))
def test_initialisation(kind):
    ours_cls, ref_cls, extra = KINDS[kind]
    hidden = 32
    torch.manual_seed(11)
    ours = ours_cls(D, hidden, num_layers=2, bidirectional=True, **extra)
    torch.manual_seed(11)
    ref = ref_cls(D, hidden, num_layers=2, bidirectional=True, **extra)
    bound = 1 / math.sqrt(hidden)
    flat = torch.cat([p.detach().flatten() for p in ours.parameters()])
    assert flat.abs().max() <= bound
    assert flat.min() < -0.95 * bound and flat.max() > 0.95 * bound
    assert (
        abs(flat.std().item() - bound / math.sqrt(3)) < 0.05 * bound
    )  # uniform
    # Same draws in the same order as torch.nn.
    for (n1, p1), (n2, p2) in zip(
        ours.named_parameters(), ref.named_parameters()
    ):
        assert n1 == n2 and torch.equal(p1, p2)
    assert all(
        p.dtype == torch.float64
        for p in ours_cls(D, H, dtype=torch.float64, **extra).parameters()
    )


def test_repr_and_all_weights():
    m = rt.LSTM(D, H, num_layers=2, bidirectional=True, batch_first=True)
    r = torch.nn.LSTM(D, H, num_layers=2, bidirectional=True, batch_first=True)
    assert repr(m).split("(", 1)[1] == repr(r).split("(", 1)[1]
    assert [[p.shape for p in ps] for ps in m.all_weights] == [
        [p.shape for p in ps] for ps in r.all_weights
    ]
    assert "nonlinearity=relu" in repr(rt.RNN(D, H, nonlinearity="relu"))
    m.flatten_parameters()


# ------------------------------------------------------------------- validation
def test_validation_like_torch_nn():
    with pytest.raises(ValueError):
        rt.RNN(D, H, nonlinearity="sigmoid")
    with pytest.raises(ValueError):
        rt.GRU(D, H, dropout=1.5)
    with pytest.raises(ValueError):
        rt.GRU(D, 0)
    with pytest.raises(ValueError):
        rt.LSTM(D, H, num_layers=0)
    with pytest.raises(ValueError):
        rt.RNN(D, H, proj_size=2)
    with pytest.raises(TypeError):
        rt.LSTM(D, H, bias=1)
    with pytest.raises(ValueError, match="smaller than hidden_size"):
        rt.LSTM(D, H, proj_size=H)
    with pytest.raises(ValueError, match="positive integer or zero"):
        rt.LSTM(D, H, proj_size=-1)
    m = rt.LSTM(D, H, num_layers=2)
    with pytest.raises(ValueError):
        m(torch.randn(1, T, B, D))
    with pytest.raises(RuntimeError):
        m(torch.randn(T, B, D + 1))
    with pytest.raises(RuntimeError):
        m(torch.randn(T, B, D), (torch.zeros(1, B, H), torch.zeros(1, B, H)))
    with pytest.raises(RuntimeError):
        m(torch.randn(T, B, D), (torch.zeros(2, H), torch.zeros(2, H)))
    with pytest.raises(ValueError):
        m(torch.randn(T, B, D, dtype=torch.float64))
    with pytest.raises(TypeError):
        m(torch.randn(T, B, D), torch.zeros(2, B, H))  # LSTM wants (h_0, c_0)


# ------------------------------------------------------------------- from the equations
_FUSED = (
    "rnn_tanh",
    "rnn_relu",
    "lstm",
    "gru",
    "_cell",
    "mkldnn_rnn",
    "_thnn_fused",
    "cudnn_rnn",
)


def _ops(fn):
    """Names of the operators (at every level, composite ones included) fn runs."""
    with torch.profiler.profile(
        activities=[torch.profiler.ProfilerActivity.CPU]
    ) as prof:
        fn()
    return {e.name for e in prof.events()}


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_fused_rnn_kernels(kind):
    """Forward and backward use only generic tensor operations (no RNN kernels)."""
    ours, ref = pair(kind, num_layers=2, bidirectional=True)
    x = torch.randn(T, B, D, dtype=torch.float64, requires_grad=True)

    def both():
        ours(x)[0].sum().backward()
        with torch.no_grad():
            ours(x)

    ops = _ops(both)
    assert "aten::addmm" in ops
    assert not [
        op
        for op in ops
        if op.startswith("aten::") and any(f in op for f in _FUSED)
    ]
    # The check does see torch.nn's kernels.
    assert [op for op in _ops(lambda: ref(x)) if any(f in op for f in _FUSED)]


# ------------------------------------------------------------------- empty batches
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize(
    "layers,bidirectional,batch_first,with_state",
    [
        (1, False, False, False),
        (2, True, True, True),
        (2, False, True, False),
        (1, True, False, True),
    ],
)
def test_empty_batch_like_torch_nn(
    kind, layers, bidirectional, batch_first, with_state
):
    """B = 0 gives empty outputs and states of the right shapes, as torch.nn does."""
    ours, ref = pair(
        kind,
        num_layers=layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
    )
    x = (
        torch.randn(0, T, D, dtype=torch.float64)
        if batch_first
        else torch.randn(T, 0, D, dtype=torch.float64)
    )
    n = layers * (2 if bidirectional else 1)
    state = random_state(kind, n, batch=0) if with_state else None
    assert_same(kind, ours, ref, x, state)
    with torch.no_grad():  # the in-place path too
        y, _ = ours(x)
    assert y.shape == ref(x)[0].shape


@pytest.mark.parametrize("kind", list(KINDS))
def test_empty_sequence_refused_like_torch_nn(kind):
    ours, ref = pair(kind)
    x = torch.randn(0, B, D, dtype=torch.float64)
    with pytest.raises(RuntimeError, match="sequence length"):
        ref(x)
    with pytest.raises(
        RuntimeError, match="Expected sequence length to be larger than 0"
    ):
        ours(x)


# ------------------------------------------------------------------- argument types
BAD_ARGS = [
    dict(bidirectional="yes"),
    dict(bidirectional=1),
    dict(bidirectional=None),
    dict(batch_first=1),
    dict(batch_first="no"),
    dict(bias=None),
    dict(bias=1),
    dict(num_layers=0),
    dict(num_layers=-1),
    dict(num_layers=1.5),
    dict(num_layers="2"),
    dict(num_layers=True),
    dict(dropout=1.5),
    dict(dropout=-0.1),
    dict(dropout="0.1"),
    dict(dropout=True),
    dict(input_size=4.0),
    dict(hidden_size=0),
    dict(hidden_size="6"),
]


@pytest.mark.parametrize(
    "bad", BAD_ARGS, ids=lambda d: "{}={!r}".format(*next(iter(d.items())))
)
@pytest.mark.parametrize(
    "cls", [rt.RNN, rt.LSTM, rt.GRU], ids=lambda c: c.__name__
)
def test_constructor_arguments_checked_like_torch_nn(cls, bad):
    """Wrong types and values are refused at construction, naming the argument.

    Where torch.nn refuses them too, ours raises the same exception type; torch.nn
    accepts a few (bidirectional="yes", num_layers=True) and fails later or never.
    """
    kw = {"input_size": D, "hidden_size": H, **bad}
    with pytest.raises((TypeError, ValueError), match=next(iter(bad))) as ours:
        cls(**kw)
    try:
        getattr(torch.nn, cls.__name__)(**kw)
    except (TypeError, ValueError) as ref:
        assert type(ours.value) is type(ref), (ours.value, ref)
        if next(iter(bad)) in str(ref):  # torch.nn's own wording
            assert str(ours.value) == str(ref)


def test_valid_arguments_still_accepted():
    for kw in (
        dict(dropout=0),
        dict(dropout=1, num_layers=2),
        dict(dropout=0.25, num_layers=2),
        dict(num_layers=3, bidirectional=True, batch_first=True, bias=False),
    ):
        rt.GRU(D, H, **kw)


P = 4  # projection size, < H


@pytest.mark.parametrize(
    "layers,bidirectional,batch_first,with_state",
    list(
        itertools.product((1, 2), (False, True), (False, True), (False, True))
    ),
)
@pytest.mark.parametrize("bias", [True, False])
def test_lstm_projection_matches_torch_nn(
    layers, bidirectional, batch_first, with_state, bias
):
    """proj_size > 0 (Sak et al. 2014): h_t = W_hr (o_t ⊙ tanh c_t), as torch.nn.LSTM."""
    ours, ref = pair(
        "lstm",
        num_layers=layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
        bias=bias,
        proj_size=P,
    )
    assert list(ours.state_dict()) == list(ref.state_dict())
    assert all(
        ours.state_dict()[k].shape == v.shape
        for k, v in ref.state_dict().items()
    )
    assert ours.weight_hr_l0.shape == (P, H) and ours.weight_hh_l0.shape == (
        4 * H,
        P,
    )
    x = torch.randn(
        (B, T, D) if batch_first else (T, B, D), dtype=torch.float64
    )
    state = None
    if with_state:
        n = layers * (2 if bidirectional else 1)
        g = torch.Generator().manual_seed(3)
        state = (
            torch.randn(n, B, P, dtype=torch.float64, generator=g),
            torch.randn(n, B, H, dtype=torch.float64, generator=g),
        )
    assert_same("lstm", ours, ref, x, state)
    y, (h_n, c_n) = ours(x)
    assert y.shape[-1] == P * (2 if bidirectional else 1)
    assert h_n.shape[-1] == P and c_n.shape[-1] == H


def test_lstm_projection_same_init_and_bad_state():
    torch.manual_seed(5)
    ref = torch.nn.LSTM(D, H, proj_size=P, num_layers=2)
    torch.manual_seed(5)
    ours = rt.LSTM(D, H, proj_size=P, num_layers=2)
    for (k, a), b in zip(ref.state_dict().items(), ours.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=0, atol=0, msg=k)
    assert "proj_size=4" in repr(ours)
    x = torch.randn(T, B, D)
    with pytest.raises(RuntimeError, match="Expected hidden size"):
        ours(
            x, (torch.zeros(2, B, H), torch.zeros(2, B, H))
        )  # h must have P features


def _packed_same(
    kind, ours, ref, lengths, enforce_sorted, with_state, batch_first, seed=0
):
    """Outputs, final states and every gradient of a packed batch, ours against torch.nn."""
    from torch.nn.utils.rnn import pack_padded_sequence

    g = torch.Generator().manual_seed(seed)
    Bp, Tp = len(lengths), max(lengths)
    x = torch.randn(Tp, Bp, D, dtype=torch.float64, generator=g)
    if batch_first:
        x = x.transpose(0, 1).contiguous()
    n = ref.num_layers * (2 if ref.bidirectional else 1)
    h_size = ref.proj_size or H
    state = None
    if with_state:
        state = [torch.randn(n, Bp, h_size, dtype=torch.float64, generator=g)]
        if kind == "lstm":
            state.append(
                torch.randn(n, Bp, H, dtype=torch.float64, generator=g)
            )
    results = []
    for module in (ours, ref):
        xi = x.clone().requires_grad_(True)
        si = (
            None
            if state is None
            else [s.clone().requires_grad_(True) for s in state]
        )
        packed = pack_padded_sequence(
            xi,
            torch.tensor(lengths),
            batch_first=batch_first,
            enforce_sorted=enforce_sorted,
        )
        hx = None if si is None else (tuple(si) if kind == "lstm" else si[0])
        out, s_n = module(packed, hx)
        assert isinstance(out, torch.nn.utils.rnn.PackedSequence)
        outs = [out.data] + (list(s_n) if kind == "lstm" else [s_n])
        gg = torch.Generator().manual_seed(11)
        loss = sum(
            (o * torch.randn(o.shape, dtype=o.dtype, generator=gg)).sum()
            for o in outs
        )
        module.zero_grad()
        loss.backward()
        grads = {name: p.grad.clone() for name, p in module.named_parameters()}
        grads["input"] = xi.grad
        for k, s in enumerate(si or []):
            grads[f"state{k}"] = s.grad
        results.append((out, outs, grads))
    (o1, outs1, g1), (o2, outs2, g2) = results
    assert torch.equal(o1.batch_sizes, o2.batch_sizes)
    for name in ("sorted_indices", "unsorted_indices"):
        a, b = getattr(o1, name), getattr(o2, name)
        assert (a is None and b is None) or torch.equal(a, b), name
    for a, b in zip(outs1, outs2):
        torch.testing.assert_close(a, b, **TOL)
    assert g1.keys() == g2.keys()
    for name in g2:
        torch.testing.assert_close(
            g1[name], g2[name], **TOL, msg=lambda m: f"{name}: {m}"
        )


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize(
    "layers,bidirectional", [(1, False), (1, True), (2, True)]
)
@pytest.mark.parametrize(
    "enforce_sorted,lengths",
    [(True, [5, 4, 4, 2, 1]), (False, [2, 5, 1, 4, 4])],
)
@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_packed_sequences_like_torch_nn(
    kind,
    layers,
    bidirectional,
    enforce_sorted,
    lengths,
    with_state,
    batch_first,
):
    """A PackedSequence goes in and out as with torch.nn: a sequence that has ended keeps
    its state (h_n is after its own last element; the reverse direction starts there).
    """
    ours, ref = pair(
        kind,
        num_layers=layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
    )
    _packed_same(
        kind, ours, ref, lengths, enforce_sorted, with_state, batch_first
    )


def test_packed_lstm_with_projection():
    ours, ref = pair("lstm", num_layers=2, bidirectional=True, proj_size=4)
    _packed_same("lstm", ours, ref, [3, 5, 1, 5], False, True, False)
