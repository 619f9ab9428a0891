"""The graders of book/deep_bidirectional accept right answers.

They reject wrong ones.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import rnnbook.torch
from rnnbook.graders.deep_bidirectional import (
    PADDED_VARIANTS,
    VARIANTS,
    bidirectional_variant,
    check_bidirectional,
    check_bidirectional_padded,
    padded_variant,
)

# --------------------------------------------------------- check_bidirectional


def bi_flip(x, fwd, bwd):
    out_f, _ = fwd(x)
    out_b, _ = bwd(torch.flip(x, dims=[0]))
    return torch.cat([out_f, torch.flip(out_b, dims=[0])], dim=-1)


def bi_index(x, fwd, bwd):
    """Reversal by indexing, written independently of the grader's flip."""
    rev = torch.arange(x.size(0) - 1, -1, -1)
    out_b = bwd(x[rev])[0][rev]
    return torch.cat((fwd(x)[0], out_b), 2)


def bi_via_torch(x, fwd, bwd):
    """torch.nn's own bidirectional layer with the two layers' weights."""
    cls = type(fwd)
    both = cls(fwd.input_size, fwd.hidden_size, bidirectional=True).to(x.dtype)
    with torch.no_grad():
        for name, p in fwd.named_parameters():
            getattr(both, name).copy_(p)
            getattr(both, name + "_reverse").copy_(getattr(bwd, name))
    return both(x)[0]


def bi_numpy(x, fwd, bwd):
    """Returning a NumPy array is accepted too."""
    return bi_flip(x, fwd, bwd).numpy()


def bi_no_flip_back(x, fwd, bwd):  # the d2l bug
    return torch.cat([fwd(x)[0], bwd(x.flip(0))[0]], dim=2)


def bi_no_flip(x, fwd, bwd):
    return torch.cat([fwd(x)[0], bwd(x)[0]], dim=2)


def bi_output_flipped_only(x, fwd, bwd):
    return torch.cat([fwd(x)[0], bwd(x)[0].flip(0)], dim=2)


def bi_batch_axis(x, fwd, bwd):
    return torch.cat([fwd(x)[0], bwd(x.flip(1))[0].flip(1)], dim=2)


def bi_swapped(x, fwd, bwd):
    return torch.cat([bwd(x.flip(0))[0].flip(0), fwd(x)[0]], dim=2)


def bi_wrong_dim(x, fwd, bwd):
    return torch.cat([fwd(x)[0], bwd(x.flip(0))[0].flip(0)], dim=0)


def bi_float32(x, fwd, bwd):
    return bi_flip(x, fwd, bwd).float()


def bi_tuple(x, fwd, bwd):
    return bi_flip(x, fwd, bwd), None


def bi_stub(x, fwd, bwd):
    return None  # your code here


def bi_crash(x, fwd, bwd):
    raise NotImplementedError("todo")


def test_variants_right_is_torch_and_others_differ():
    torch.manual_seed(0)
    for cls in (nn.RNN, nn.LSTM, nn.GRU):
        fwd, bwd = cls(3, 4).double(), cls(3, 4).double()
        x = torch.randn(6, 2, 3, dtype=torch.float64)
        with torch.no_grad():
            want = bi_via_torch(x, fwd, bwd)
            assert torch.allclose(
                bidirectional_variant(x, fwd, bwd), want, atol=1e-13
            )
            for name in VARIANTS:
                alt = bidirectional_variant(x, fwd, bwd, name)
                assert (alt - want).abs().max() > 1e-3, name


def test_accepts_correct(capsys):
    for fn in (bi_flip, bi_index, bi_via_torch, bi_numpy):
        assert check_bidirectional(fn) is True, fn.__name__
    assert check_bidirectional(bi_flip, seed=3, n_cases=12) is True
    assert "correct" in capsys.readouterr().out


def test_accepts_rnnbook_modules_as_reference():
    """The reference path also holds for rnnbook.torch.

    A sanity check of the premise.
    """
    torch.manual_seed(1)
    ref = nn.GRU(3, 4, bidirectional=True).double()
    mine = rnnbook.torch.GRU(3, 4, bidirectional=True).double()
    mine.load_state_dict(ref.state_dict())
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    with torch.no_grad():
        assert torch.allclose(mine(x)[0], ref(x)[0], atol=1e-13)


WRONG = [
    bi_no_flip_back,
    bi_no_flip,
    bi_output_flipped_only,
    bi_batch_axis,
    bi_swapped,
    bi_wrong_dim,
    bi_float32,
    bi_tuple,
    bi_stub,
    bi_crash,
]


@pytest.mark.parametrize("wrong", WRONG, ids=lambda f: f.__name__)
def test_rejects_wrong(wrong, capsys):
    assert check_bidirectional(wrong) is False
    assert capsys.readouterr().out.startswith("not yet")


@pytest.mark.parametrize(
    "wrong,words",
    [
        (bi_no_flip_back, ("Flip them back", "d2l", "backward half")),
        (bi_no_flip, ("read the sequence forwards",)),
        (bi_output_flipped_only, ("but not its input",)),
        (bi_batch_axis, ("batch",)),
        (bi_swapped, ("wrong order",)),
        (bi_wrong_dim, ("shape (T, B, 2H)",)),
        (bi_float32, ("dtype",)),
        (bi_tuple, ("output alone",)),
        (bi_stub, ("got None",)),
        (bi_crash, ("NotImplementedError",)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_messages_name_the_mistake(wrong, words, capsys):
    check_bidirectional(wrong)
    out = capsys.readouterr().out
    for w in words:
        assert w in out, (wrong.__name__, out)


def test_no_hint_for_unrelated_errors(capsys):
    def noisy(x, fwd, bwd):
        return bi_flip(x, fwd, bwd) + 0.1

    assert check_bidirectional(noisy) is False
    assert "Hint" not in capsys.readouterr().out


# -------------------------------------------------- check_bidirectional_padded


def padded_loop(x, lengths, fwd, bwd):
    """One sequence at a time, written independently of the grader."""
    T, B, _ = x.shape
    H = fwd.hidden_size
    out = x.new_zeros(T, B, 2 * H)
    for b in range(B):
        n = int(lengths[b])  # real steps of sequence b
        seq = x[:n, b : b + 1]
        out[:n, b : b + 1, :H] = fwd(seq)[0]
        out[:n, b : b + 1, H:] = bwd(seq.flip(0))[0].flip(0)
    return out


def padded_packed(x, lengths, fwd, bwd):
    cls = type(fwd)
    both = cls(fwd.input_size, fwd.hidden_size, bidirectional=True).to(x.dtype)
    with torch.no_grad():
        for name, p in fwd.named_parameters():
            getattr(both, name).copy_(p)
            getattr(both, name + "_reverse").copy_(getattr(bwd, name))
    packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
    return pad_packed_sequence(both(packed)[0], total_length=x.size(0))[0]


def padded_whole_flip(x, lengths, fwd, bwd):
    mask = (torch.arange(x.size(0))[:, None] < lengths[None]).to(x.dtype)[
        ..., None
    ]
    return bi_flip(x, fwd, bwd) * mask


def padded_no_mask(x, lengths, fwd, bwd):
    return padded_variant(x, lengths, fwd, bwd, "no mask")


def padded_no_flip_back(x, lengths, fwd, bwd):
    return padded_variant(x, lengths, fwd, bwd, "no flip back")


def padded_ignores_lengths(x, lengths, fwd, bwd):
    return bi_flip(x, fwd, bwd)


def test_padded_variants():
    torch.manual_seed(2)
    fwd, bwd = nn.LSTM(3, 4).double(), nn.LSTM(3, 4).double()
    x = torch.randn(7, 3, 3, dtype=torch.float64)
    lengths = torch.tensor([7, 3, 5])
    with torch.no_grad():
        want = padded_packed(x, lengths, fwd, bwd)
        assert torch.allclose(
            padded_variant(x, lengths, fwd, bwd), want, atol=1e-13
        )
        assert torch.allclose(
            padded_loop(x, lengths, fwd, bwd), want, atol=1e-13
        )
        for name in PADDED_VARIANTS:
            assert (
                padded_variant(x, lengths, fwd, bwd, name) - want
            ).abs().max() > 1e-3, name


def test_padded_accepts_correct(capsys):
    assert check_bidirectional_padded(padded_loop) is True
    assert check_bidirectional_padded(padded_packed) is True
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong,words",
    [
        (padded_whole_flip, ("read the padding", "within its own length")),
        (padded_no_flip_back, ("reverse them back", "d2l")),
        (padded_no_mask, ("should be zero",)),
        (padded_ignores_lengths, ("max abs error",)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_padded_rejects_wrong(wrong, words, capsys):
    assert check_bidirectional_padded(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet")
    for w in words:
        assert w in out, (wrong.__name__, out)
