"""Smoke test of the benchmark (tiny sizes; the timings themselves are not tested)."""

from rnnbook import bench


def test_bench_runs_tiny():
    results = bench.run(T=3, B=2, D=3, H=4, repeats=1, warmup=0)
    assert {(r["model"], r["impl"]) for r in results} == {
        (m, i) for m in bench.MODELS for i in bench.IMPLS
    }
    for r in results:
        assert r["error"] is None, r
        assert r["fwd_s"] > 0 and r["fwd_bwd_s"] > 0
        assert r["fwd_gflops"] > 0 and r["fwd_bwd_gflops"] > 0
        if r["impl"] == "torch.nn":
            assert r["fwd_ratio"] == 1.0
    table = bench.format_table(results)
    assert "rnnbook.torch" in table and "lstm" in table


def test_flop_count():
    fwd, both = bench.flops("lstm", T=100, B=64, D=64, H=128)
    assert fwd == 2 * 100 * 64 * 4 * 128 * (64 + 128) and both == 3 * fwd


def test_timings_interleave_and_count():
    calls = []
    t = bench.timings(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
        repeats=3,
        warmup=1,
    )
    assert calls == ["a", "b"] * 4
    assert [len(v) for v in t.values()] == [3, 3] and all(
        x >= 0 for v in t.values() for x in v
    )
    med = bench.median_times({"a": lambda: None}, repeats=3, warmup=0)
    assert set(med) == {"a"} and med["a"] >= 0


def test_main_counts_every_missed_target(capsys, monkeypatch):
    # two targets per row can be missed: the count is of targets, not rows
    rows = [
        dict(model="lstm", impl="rnnbook.fast", error=None, fwd_s=1.0,
             fwd_ratio=2.0, fwd_gflops=1.0, target_fwd=1.0, pass_fwd=False,
             fwd_bwd_s=1.0, fwd_bwd_ratio=2.0, fwd_bwd_gflops=1.0,
             target_fwd_bwd=0.8, pass_fwd_bwd=False),
        dict(model="lstm", impl="matmuls only", error=None, fwd_s=1.0,
             fwd_ratio=0.5, fwd_gflops=1.0, target_fwd=None, pass_fwd=None,
             fwd_bwd_s=1.0, fwd_bwd_ratio=0.5, fwd_bwd_gflops=1.0,
             target_fwd_bwd=None, pass_fwd_bwd=None),
    ]
    monkeypatch.setattr(bench, "run", lambda *a, **k: rows)
    assert bench.main(["--T", "2", "--B", "2", "--D", "2", "--H", "2"]) == 0
    out = capsys.readouterr().out
    assert "2 target(s) missed" in out and "matmuls only" in out
