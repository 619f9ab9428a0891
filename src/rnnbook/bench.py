"""Benchmark: RNN, LSTM and GRU in torch.nn and in rnnbook's implementations.

The implementations are ``torch.nn``, ``rnnbook.torch``, ``rnnbook.numpy``
and ``rnnbook.fast``.

Run ``python -m rnnbook.bench`` (options ``--repeats``, ``--threads``, and
``--T --B --D --H`` for other sizes). By default every library uses one
thread: with their own defaults, PyTorch's OpenMP threads and NumPy's BLAS
threads compete for the same cores inside one process, which makes the
ratios meaningless. Everything runs in one process, on the CPU, in float32,
by default with T=100 steps, batch B=64, D=64 input features and H=128
hidden units. For each model and implementation it prints the median wall
time of the forward pass and of forward + backward, the ratio to
``torch.nn``, the GFLOP/s achieved, and the targets as ratios to torch.nn:

- ``rnnbook.torch`` (the literal modules, autograd): forward <= 3x,
  forward+backward <= 5x;
- ``rnnbook.numpy`` (the literal NumPy code): forward+backward <= 3x;
- ``rnnbook.fast`` (the tuned NumPy kernels), LSTM and GRU: forward <= 1x,
  forward+backward <= 0.8x.

The row ``matmuls only`` times the matrix products that every
implementation of the layer must compute (see :func:`_matmul_runners`),
done by NumPy's BLAS and nothing else. It is the floor of any NumPy kernel
on the machine: when it is itself above a target of ``rnnbook.fast``, that
target cannot be met with this BLAS, however the element-wise work is done.

Absolute times depend on the machine and its load; the ratios less so. The
implementations are timed in turns (one run of each, repeated; see
:func:`timings`), so a change in the machine's load affects them alike; the
first runs are warm-up and not counted. Forward means ``torch.no_grad()``
for the torch modules. Forward+backward means a forward pass recording the
graph followed by the backward pass from an output gradient dy (T, B, H),
producing the input and all parameter gradients.

FLOP count. Only the matrix products are counted (the elementwise work is
O(T·B·G·H), a factor D+H smaller). With G gate blocks (1 for the RNN, 4 for
the LSTM, 3 for the GRU) the forward pass computes W_ih x_t (G·H × D) and
W_hh h_{t-1} (G·H × H) for T steps of B examples:

    forward  = 2·T·B·G·H·(D + H)
    backward ≈ 2 × forward   (the gradients with respect to the inputs, x_t
                              and h_{t-1}, and with respect to the weights
                              each take one product of the same size)
    forward + backward ≈ 3 × forward

so the GFLOP/s are comparable across implementations of the same model.

``run(T, B, D, H, repeats)`` returns the results as a list of dicts (used
by the tests with tiny sizes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

MODELS = ("rnn", "lstm", "gru")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
IMPLS = ("torch.nn", "rnnbook.torch", "rnnbook.numpy", "rnnbook.fast",
         "matmuls only")
# (forward, forward+backward) targets as ratios to torch.nn; None: no target.
TARGETS = {
    **{("rnnbook.torch", m): (3.0, 5.0) for m in MODELS},
    **{("rnnbook.numpy", m): (None, 3.0) for m in MODELS},
    ("rnnbook.fast", "lstm"): (1.0, 0.8),
    ("rnnbook.fast", "gru"): (1.0, 0.8),
}


def flops(model: str, T: int, B: int, D: int, H: int) -> tuple[float, float]:
    """Matrix-product FLOPs of (forward, forward+backward).

    See the module docstring.
    """
    fwd = 2.0 * T * B * GATES[model] * H * (D + H)
    return fwd, 3.0 * fwd


# ----------------------------------------------------------------- the runners
def _torch_runners(cls, x, dy):
    """The layer and its (forward, forward+backward) closures.

    ``cls`` is a torch module class.
    """
    import torch

    layer = cls(x.shape[2], dy.shape[2])
    xg = x.clone().requires_grad_(True)

    def fwd():
        with torch.no_grad():
            layer(x)

    def fwd_bwd():
        xg.grad = None
        for p in layer.parameters():
            p.grad = None
        y, _ = layer(xg)
        y.backward(dy)

    return layer, fwd, fwd_bwd


def _numpy_runners(module, model, layer, x, dy):
    forward = getattr(module, f"{model}_forward")
    backward = getattr(module, f"{model}_backward")
    # here, not at the top: main() sets the BLAS threads first
    from .numpy import params_from_torch

    params = params_from_torch(layer)
    xn, dyn = x.numpy().copy(), dy.numpy().copy()

    def fwd():
        forward(xn, None, params)

    def fwd_bwd():
        _, _, cache = forward(xn, None, params)
        backward(dyn, None, cache)

    return fwd, fwd_bwd


def _matmul_runners(model, x, dy):
    """The matrix products of the layer alone, in NumPy: the floor.

    Forward: one product for the input part of every step, [x_t, 1] W_in
    ((T·B, D+1) × (D+1, G·H)), then T products h_{t-1} W_hh^T ((B, H) ×
    (H, G·H)). Backward: T products δ_t W_hh ((B, G·H) × (G·H, H)) inside
    the loop, then dx, dW_ih and dW_hh as single products over all T·B
    rows. No NumPy implementation of the layer can take less time than
    these products with the same BLAS, so this row says what the BLAS of
    this machine allows before any element-wise work.
    """
    import numpy as np

    T, B, D = x.shape
    H = dy.shape[2]
    GH = GATES[model] * H
    rng = np.random.default_rng(0)

    def rand(*shape):
        return (0.1 * rng.standard_normal(shape)).astype(np.float32)

    x1, w_in = rand(T * B, D + 1), rand(D + 1, GH)
    w_hh_t, w_hh = rand(H, GH), rand(GH, H)
    hs, delta, w_ih = rand(T + 1, B, H), rand(T, B, GH), rand(GH, D)
    buf, dh = np.empty((B, GH), np.float32), np.empty((B, H), np.float32)

    def fwd():
        x1 @ w_in
        for t in range(T):
            np.dot(hs[t], w_hh_t, out=buf)

    def bwd():
        for t in range(T - 1, -1, -1):
            np.dot(delta[t], w_hh, out=dh)
        d2 = delta.reshape(T * B, GH)
        d2 @ w_ih                                  # dx
        d2.T @ x1[:, :D]                           # dW_ih
        d2.T @ hs[:T].reshape(T * B, H)            # dW_hh

    def fwd_bwd():
        fwd()
        bwd()

    return fwd, fwd_bwd


def timings(fns: dict, repeats: int = 7, warmup: int = 1, sync=None) -> dict:
    """Seconds per call of each callable in ``fns``, interleaved.

    Returns ``{name: [t_1, ..., t_repeats]}``. The callables run in turns
    (a, b, c, a, b, c, ...) so that a change of load on the machine affects
    them all alike; the first ``warmup`` rounds are not recorded. ``sync``
    (for example ``torch.cuda.synchronize``) is called before each clock
    reading, so that asynchronous GPU work is counted.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(
            "timings: need repeats >= 1 and warmup >= 0, "
            f"got {repeats} and {warmup}"
        )
    times = {k: [] for k in fns}
    for r in range(warmup + repeats):
        for k, fn in fns.items():
            if sync is not None:
                sync()
            t0 = time.perf_counter()
            fn()
            if sync is not None:
                sync()
            if r >= warmup:
                times[k].append(time.perf_counter() - t0)
    return times


def median_times(
    fns: dict, repeats: int = 7, warmup: int = 1, sync=None
) -> dict:
    """Median seconds per call of each callable (see :func:`timings`)."""
    return {
        k: statistics.median(v)
        for k, v in timings(fns, repeats, warmup, sync).items()
    }


def run(
    T: int = 100,
    B: int = 64,
    D: int = 64,
    H: int = 128,
    repeats: int = 7,
    threads: int | None = None,
    warmup: int = 2,
    models=MODELS,
    impls=IMPLS,
    seed: int = 0,
) -> list[dict]:
    """Time every (model, implementation); return one dict per pair.

    Keys: ``model``, ``impl``, ``fwd_s``, ``fwd_bwd_s`` (median seconds),
    ``fwd_ratio``, ``fwd_bwd_ratio`` (to torch.nn), ``fwd_gflops``,
    ``fwd_bwd_gflops``, ``target_fwd``, ``target_fwd_bwd`` (None if no
    target), ``pass_fwd``, ``pass_fwd_bwd`` (None if no target) and
    ``error`` (a message when the implementation is unavailable, else None).
    """
    import torch

    import rnnbook.fast
    import rnnbook.numpy
    import rnnbook.torch as rt

    if threads is not None:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    x = torch.randn(T, B, D)
    dy = torch.randn(T, B, H)
    results = []
    for model in models:
        ref, fwd_ref, fb_ref = _torch_runners(
            getattr(torch.nn, model.upper()), x, dy
        )
        fns, errors = {}, {}
        for impl in impls:
            try:
                if impl == "torch.nn":
                    fns[impl] = (fwd_ref, fb_ref)
                elif impl == "rnnbook.torch":
                    mine, f, fb = _torch_runners(
                        getattr(rt, model.upper()), x, dy
                    )
                    mine.load_state_dict(ref.state_dict())
                    fns[impl] = (f, fb)
                elif impl == "rnnbook.numpy":
                    fns[impl] = _numpy_runners(
                        rnnbook.numpy, model, ref, x, dy
                    )
                elif impl == "rnnbook.fast":
                    fns[impl] = _numpy_runners(rnnbook.fast, model, ref, x, dy)
                elif impl == "matmuls only":
                    fns[impl] = _matmul_runners(model, x, dy)
                else:
                    raise ValueError(f"unknown implementation {impl!r}")
            except Exception as e:
                # an implementation that is missing or broken
                errors[impl] = f"{type(e).__name__}: {e}"
        timed = {}
        for phase in (0, 1):
            ok = {}
            for impl, pair in fns.items():
                try:
                    pair[phase]()  # fails early rather than inside the timing
                    ok[impl] = pair[phase]
                except Exception as e:
                    errors[impl] = f"{type(e).__name__}: {e}"
            for impl, t in median_times(ok, repeats, warmup).items():
                timed.setdefault(impl, [None, None])[phase] = t
        f_fwd, f_fb = flops(model, T, B, D, H)
        t_ref = timed.get("torch.nn", [None, None])
        for impl in impls:
            t = (
                timed.get(impl, [None, None])
                if impl not in errors
                else [None, None]
            )
            target = TARGETS.get((impl, model), (None, None))
            row = {"model": model, "impl": impl, "error": errors.get(impl)}
            for key, ti, tr, fl, tg in (
                ("fwd", t[0], t_ref[0], f_fwd, target[0]),
                ("fwd_bwd", t[1], t_ref[1], f_fb, target[1]),
            ):
                ratio = ti / tr if ti is not None and tr else None
                row[f"{key}_s"] = ti
                row[f"{key}_ratio"] = ratio
                row[f"{key}_gflops"] = fl / ti / 1e9 if ti else None
                row[f"target_{key}"] = tg
                row[f"pass_{key}"] = (
                    None if tg is None or ratio is None else ratio <= tg
                )
            results.append(row)
    return results


# ----------------------------------------------------------------- the report
def _cell(t, ratio, gf, target, ok) -> str:
    if t is None:
        return f"{'n/a':>8} {'':>6} {'':>6} {'':>11}"
    mark = "" if target is None else f"<={target:g}x {'ok' if ok else 'FAIL'}"
    return f"{t * 1e3:8.2f} {ratio:5.2f}x {gf:6.1f} {mark:>11}"


def format_table(results: list[dict]) -> str:
    head = (
        f"{'model':5} {'implementation':14} | "
        f"{'fwd ms':>8} {'ratio':>6} {'GF/s':>6} {'target':>11} | "
        f"{'f+b ms':>8} {'ratio':>6} {'GF/s':>6} {'target':>11}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r['model']:5} {r['impl']:14} | "
            + _cell(r["fwd_s"], r["fwd_ratio"], r["fwd_gflops"],
                    r["target_fwd"], r["pass_fwd"])
            + " | "
            + _cell(r["fwd_bwd_s"], r["fwd_bwd_ratio"], r["fwd_bwd_gflops"],
                    r["target_fwd_bwd"], r["pass_fwd_bwd"])
        )
        if r["error"]:
            lines.append(
                f"      ({r['impl']} unavailable: {r['error'][:100]})"
            )
    return "\n".join(lines)


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m rnnbook.bench", description=__doc__.split("\n")[0]
    )
    p.add_argument("--repeats", type=int, default=7,
                   help="timed runs per measurement (median)")
    p.add_argument(
        "--threads", type=int, default=1,
        help="torch intra-op threads and NumPy's BLAS threads (default 1; "
        "0 keeps the libraries' own defaults, which in one process fight "
        "over the cores and slow torch.nn down up to 10x on a 2-core "
        "machine)",
    )
    p.add_argument("--warmup", type=int, default=2)
    for name, default in (("T", 100), ("B", 64), ("D", 64), ("H", 128)):
        p.add_argument(f"--{name}", type=int, default=default)
    args = p.parse_args(argv)
    if args.threads == 0:
        args.threads = None
    if args.threads is not None and "numpy" not in sys.modules:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                    "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    import torch

    load0 = _load()
    results = run(
        args.T, args.B, args.D, args.H, args.repeats, args.threads, args.warmup
    )
    print(
        f"rnnbook.bench: torch {torch.__version__}, "
        f"{torch.get_num_threads()} torch threads, {os.cpu_count()} CPUs, "
        f"CPU float32, T={args.T} B={args.B} D={args.D} H={args.H}; "
        f"median of {args.repeats} runs after {args.warmup} warm-up runs"
    )
    load1 = _load()
    print(
        f"1-min load average before/after: {load0}/{load1} (other processes "
        "on the CPUs distort the timings, most of all with several threads)"
    )
    busy = max(float(v) if v != "?" else 0.0 for v in (load0, load1))
    if busy > 0.5 * (os.cpu_count() or 1):
        print(
            "warning: the machine is busy; ratios are unreliable (try "
            "--threads 1, which suffers less from contention, or rerun on a "
            "quiet machine)"
        )
    print(
        "GFLOP/s count matrix products only: forward 2*T*B*G*H*(D+H), "
        "backward 2x that (G = 1, 4, 3 for RNN, LSTM, GRU)"
    )
    print(
        "targets (ratio to torch.nn): rnnbook.torch fwd (no grad) <= 3x, "
        "fwd+bwd <= 5x; rnnbook.numpy fwd+bwd <= 3x; "
        "rnnbook.fast LSTM/GRU fwd <= 1x, fwd+bwd <= 0.8x\n"
    )
    print(format_table(results))
    missed = sum((r["pass_fwd"] is False) + (r["pass_fwd_bwd"] is False)
                 for r in results)
    print(f"\n{missed} target(s) missed" if missed else "\nall targets met")
    print(
        "'matmuls only' times the matrix products of the layer alone with "
        "NumPy's BLAS: no NumPy kernel can beat that row"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
