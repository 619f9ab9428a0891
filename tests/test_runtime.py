import pytest

from rnnbook import runtime


def test_budget_default_and_values(monkeypatch):
    monkeypatch.delenv("RNNBOOK_BUDGET", raising=False)
    assert runtime.budget() == "full"
    monkeypatch.setenv("RNNBOOK_BUDGET", "quick")
    assert runtime.budget() == "quick"
    assert runtime.pick(quick=1, full=2) == 1


def test_bad_budget_is_explained(monkeypatch):
    monkeypatch.setenv("RNNBOOK_BUDGET", "fast")
    with pytest.raises(ValueError, match="RNNBOOK_BUDGET must be one of"):
        runtime.budget()


def test_seed_everything_repeats():
    import numpy as np
    import torch

    runtime.seed_everything(3)
    a = (np.random.rand(3), torch.rand(3))
    runtime.seed_everything(3)
    b = (np.random.rand(3), torch.rand(3))
    assert np.array_equal(a[0], b[0]) and torch.equal(a[1], b[1])
