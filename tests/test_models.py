"""rnnbook.models: the many-to-one classifier honours batch_first."""

from __future__ import annotations

import pytest
import torch

from rnnbook.models import SequenceClassifier


@pytest.mark.parametrize("impl", ["torch", "rnnbook"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_batch_first_reads_the_same_positions(cell, bidirectional, impl):
    """batch_first=True on x.transpose(0, 1) gives the batch_first=False output."""
    torch.manual_seed(0)
    kw = dict(impl=impl, bidirectional=bidirectional, num_layers=2)
    time_major = SequenceClassifier(cell, 3, 5, 2, **kw).double()
    batch_major = SequenceClassifier(
        cell, 3, 5, 2, batch_first=True, **kw
    ).double()
    batch_major.load_state_dict(time_major.state_dict())
    x = torch.randn(7, 4, 3, dtype=torch.float64)  # (T, B, D), T != B
    want = time_major(x)
    got = batch_major(x.transpose(0, 1))  # (B, T, D)
    assert got.shape == (4, 2)
    torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)
    # no mixing across the batch: each example's output depends on it alone
    torch.testing.assert_close(
        batch_major(x.transpose(0, 1)[1:2]), want[1:2], rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize(
    "batch_first, layout",
    [(False, r"\(T, B, D\)"), (True, r"\(B, T, D\).*batch_first=True")],
)
def test_wrong_rank_names_the_expected_layout(batch_first, layout):
    model = SequenceClassifier("gru", 3, 4, 2, batch_first=batch_first)
    with pytest.raises(ValueError, match=layout):
        model(torch.randn(7, 3))
