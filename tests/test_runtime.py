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


def test_seed_offset_is_added_and_returned(monkeypatch, capsys):
    monkeypatch.setenv("RNNBOOK_SEED", "5")
    info = runtime.setup(seed=3)
    assert info["seed"] == 8
    assert "seed=8" in capsys.readouterr().out
    monkeypatch.delenv("RNNBOOK_SEED")
    assert runtime.setup(seed=3)["seed"] == 3


def test_bad_seed_offset_is_explained(monkeypatch):
    monkeypatch.setenv("RNNBOOK_SEED", "one")
    with pytest.raises(
        ValueError, match="RNNBOOK_SEED must be a non-negative integer"
    ):
        runtime.seed_offset()


def test_onednn_switch(monkeypatch):
    import torch

    monkeypatch.setenv("RNNBOOK_ONEDNN", "0")
    try:
        info = runtime.setup()
        assert (
            info["onednn"] is False and torch.backends.mkldnn.enabled is False
        )
    finally:
        monkeypatch.delenv("RNNBOOK_ONEDNN")
        runtime.setup()
    assert torch.backends.mkldnn.enabled is True
    monkeypatch.setenv("RNNBOOK_ONEDNN", "maybe")
    with pytest.raises(ValueError, match="RNNBOOK_ONEDNN must be 1 or 0"):
        runtime.onednn_enabled()


def test_claim_checks_bounds_and_records(tmp_path, monkeypatch):
    import json

    import numpy as np

    path = tmp_path / "claims.jsonl"
    monkeypatch.setenv("RNNBOOK_CLAIMS", str(path))
    assert runtime.claim("ch/acc", [0.9, 0.95], above=0.8) == pytest.approx(
        0.1
    )
    with pytest.raises(AssertionError, match="ch/acc2.*above 0.8"):
        runtime.claim("ch/acc2", [0.9, 0.7], above=0.8)
    with pytest.raises(AssertionError):
        runtime.claim("ch/nan", np.nan, below=1.0)
    with pytest.raises(AssertionError):
        runtime.claim("ch/between", 0.5, above=0.2, below=0.4)
    with pytest.raises(ValueError, match="give a bound"):
        runtime.claim("ch/nobound", 0.5)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["name"] for r in rows] == [
        "ch/acc",
        "ch/acc2",
        "ch/nan",
        "ch/between",
    ]
    assert (
        rows[1]["value"] == [0.9, 0.7]
        and rows[1]["margin"] < 0
        and rows[2]["margin"] is None
    )


def test_robust_report_marks_failures(tmp_path, monkeypatch):
    import importlib.util
    from pathlib import Path

    path = tmp_path / "claims.jsonl"
    monkeypatch.setenv("RNNBOOK_CLAIMS", str(path))
    runtime.claim("ch/ok", 0.9, above=0.5)
    with pytest.raises(AssertionError):
        runtime.claim("ch/bad", 0.1, above=0.5)
    spec = importlib.util.spec_from_file_location(
        "robust_report",
        Path(__file__).resolve().parents[1] / "tools" / "robust_report.py",
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = mod.report(mod.load([str(path)]))
    assert "ch: 2 training-outcome claim(s)" in text
    assert (
        "ch/bad: > 0.5; values 0.1 to 0.1" in text
        and text.count("FAILED") == 1
    )
