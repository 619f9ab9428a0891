"""Run-time settings shared by every chapter: the budget, device and seed.

The book runs in one of two *budgets*, chosen in one place, the environment
variable ``RNNBOOK_BUDGET``:

``full`` (the default)
    The sizes and training lengths that give the results printed on the
    published site. ``make book`` uses it.
``quick``
    Smaller data and fewer steps, so that every chapter executes in about a
    minute on a 2-core CPU. ``make test`` and CI use it.

Chapters never read the variable themselves: they call :func:`budget` or
:func:`pick`, and start with :func:`setup`, which seeds every generator,
picks CUDA when it is there and prints what the chapter runs on.

Two more variables exist for the seed sweep (``make robust``), which checks
that every claim of the book holds for other seeds and other CPU kernels:

``RNNBOOK_SEED`` (an integer, default 0)
    Added to every seed a chapter uses. ``setup(seed=s)`` seeds with
    ``s + RNNBOOK_SEED`` and returns that effective seed as ``info["seed"]``;
    chapters derive every other seed from it.
``RNNBOOK_ONEDNN`` (``1`` by default, ``0`` to turn it off)
    ``0`` sets ``torch.backends.mkldnn.enabled = False``, so PyTorch falls
    back from its oneDNN kernels to its own on the CPU, which round
    differently.

:func:`claim` is the assert for a *training outcome*: it checks a number
against the bounds the prose states and, when ``RNNBOOK_CLAIMS`` names a
file, appends the value to it, so that the sweep can report the range of
every outcome over seeds and kernels (``tools/robust_report.py``).
"""

from __future__ import annotations

import json
import math
import os
import platform
import random

import numpy as np

BUDGETS = ("quick", "full")
_ENV = "RNNBOOK_BUDGET"
_SEED_ENV = "RNNBOOK_SEED"
_ONEDNN_ENV = "RNNBOOK_ONEDNN"
_CLAIMS_ENV = "RNNBOOK_CLAIMS"


def budget() -> str:
    """Return the current budget, ``"quick"`` or ``"full"``.

    Read from ``$RNNBOOK_BUDGET``; unset means ``"full"``, so that a reader
    who opens a chapter in Jupyter reproduces the published numbers.
    """
    value = os.environ.get(_ENV, "full").strip().lower() or "full"
    if value not in BUDGETS:
        raise ValueError(
            f"{_ENV} must be one of {BUDGETS}, got {value!r}. "
            f"Unset it (full) or run e.g. `{_ENV}=quick jupyter lab`."
        )
    return value


def pick(*, quick, full):
    """Return ``quick`` or ``full`` according to :func:`budget`.

    >>> steps = pick(quick=200, full=3000)   # doctest: +SKIP
    """
    return quick if budget() == "quick" else full


def seed_offset() -> int:
    """Return ``$RNNBOOK_SEED`` as an integer (0 when unset).

    :func:`setup` adds it to the chapter's seed; the sweep sets it to run
    every chapter with other random numbers.
    """
    raw = os.environ.get(_SEED_ENV, "").strip()
    if not raw:
        return 0
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(
            f"{_SEED_ENV} must be a non-negative integer, got {raw!r}. "
            "Unset it (seed offset 0) or run e.g. "
            f"`{_SEED_ENV}=1 make robust`."
        ) from None
    if value < 0:
        raise ValueError(
            f"{_SEED_ENV} must be a non-negative integer, got {value}."
        )
    return value


def onednn_enabled() -> bool:
    """Return whether ``$RNNBOOK_ONEDNN`` allows PyTorch's oneDNN CPU kernels.

    Unset, ``1``, ``true`` or ``on`` mean yes; ``0``, ``false`` or ``off``
    mean no.
    """
    raw = os.environ.get(_ONEDNN_ENV, "1").strip().lower() or "1"
    if raw in ("1", "true", "on", "yes"):
        return True
    if raw in ("0", "false", "off", "no"):
        return False
    raise ValueError(f"{_ONEDNN_ENV} must be 1 or 0, got {raw!r}.")


def device(prefer_cuda: bool = True):
    """Return ``torch.device("cuda")`` if a GPU is available, else the CPU."""
    import torch

    if prefer_cuda and torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def seed_everything(seed: int = 0) -> None:
    """Seed Python's, NumPy's and PyTorch's generators (CPU and CUDA).

    Also asks PyTorch for deterministic algorithms where it has them, so
    that a chapter run twice on one machine prints the same numbers.
    """
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = False


def setup(
    seed: int = 0, *, data: str | None = None, threads: int | None = 1
) -> dict:
    """Seed everything, apply the figure style, print what the chapter runs on.

    Parameters
    ----------
    seed:
        The chapter's seed. The effective seed is ``seed + $RNNBOOK_SEED``;
        every generator is seeded from it, and the chapter derives its other
        seeds from ``info["seed"]``.
    data:
        A short description of the data the chapter uses, printed with the
        rest.
    threads:
        Number of CPU threads PyTorch may use (``None`` leaves its default).
        The book's models are small: a step is many small matrix products,
        for which splitting the work across threads costs more than it
        gains, and on a busy machine it can be many times slower. One thread
        is the default for that reason.

    It also makes NumPy scalars print as plain numbers (``0.5`` rather than
    NumPy 2's ``np.float64(0.5)``), so that values passed to myst-nb's
    ``glue`` can be formatted in the text.

    ``$RNNBOOK_ONEDNN=0`` turns PyTorch's oneDNN CPU kernels off for the
    whole chapter (see the module docstring).

    Returns
    -------
    dict with keys ``budget``, ``device`` (a ``torch.device``), ``seed`` (the
    effective seed) and ``onednn`` (whether oneDNN kernels are on).
    """
    import torch

    from . import style

    seed = int(seed) + seed_offset()
    onednn = onednn_enabled()
    torch.backends.mkldnn.enabled = onednn
    seed_everything(seed)
    style.use()
    np.set_printoptions(legacy="1.25")
    if threads is not None:
        torch.set_num_threads(threads)
    # Deterministic cuBLAS needs this before the first CUDA call; harmless on
    # the CPU.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    dev = device()
    info = {"budget": budget(), "device": dev, "seed": seed, "onednn": onednn}
    line = (
        f"budget={info['budget']}  device={dev}  seed={seed}  "
        f"onednn={'on' if onednn else 'off'}  "
        f"threads={torch.get_num_threads()}  torch={torch.__version__}  "
        f"numpy={np.__version__}  python={platform.python_version()}"
    )
    if data:
        line += f"\ndata: {data}"
    print(line)
    return info


def claim(name: str, value, *, above=None, below=None) -> float:
    """Assert a training outcome, ``above < value < below``, and record it.

    Use it instead of a bare ``assert`` wherever the number comes out of
    training (an accuracy, a loss, a count of solved runs), so that the seed
    sweep can report its range. ``value`` may be a scalar or an array, in
    which case every element must satisfy the bounds (pass the per-seed
    values, not their mean, when the prose says "every seed").

    When ``$RNNBOOK_CLAIMS`` names a file, one JSON line with the name, the
    value(s), the bounds, the seed offset, the budget and the oneDNN setting
    is appended to it, whether or not the claim holds.

    Returns the smallest margin: how far the value(s) are inside the nearest
    bound (negative if outside). Raises ``AssertionError`` naming the claim,
    its value(s) and its bounds when a value is outside or not finite.
    """
    if above is None and below is None:
        raise ValueError(
            f"claim {name!r}: give a bound, above= or below= (or both)"
        )
    values = np.asarray(value, dtype=float).ravel()
    if values.size == 0:
        raise ValueError(f"claim {name!r}: no value to check")
    margins = []
    if above is not None:
        margins.append(values - float(above))
    if below is not None:
        margins.append(float(below) - values)
    margin = (
        float(np.min(np.stack(margins)))
        if np.all(np.isfinite(values))
        else -math.inf
    )
    path = os.environ.get(_CLAIMS_ENV, "").strip()
    if path:
        record = {
            "name": name,
            "value": [round(float(v), 6) for v in values],
            "above": None if above is None else float(above),
            "below": None if below is None else float(below),
            "margin": margin if math.isfinite(margin) else None,
            "seed_offset": seed_offset(),
            "budget": budget(),
            "onednn": onednn_enabled(),
        }
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
    if not margin > 0:
        shown = values[0] if values.size == 1 else values.round(4).tolist()
        bounds = " and ".join(
            ([f"above {above}"] if above is not None else [])
            + ([f"below {below}"] if below is not None else [])
        )
        raise AssertionError(
            f"claim {name!r} does not hold: {shown} should be {bounds}"
        )
    return margin
