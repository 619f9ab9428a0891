"""Run-time settings shared by every chapter: the budget, the device and the seed.

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
"""

from __future__ import annotations

import os
import platform
import random

import numpy as np

BUDGETS = ("quick", "full")
_ENV = "RNNBOOK_BUDGET"


def budget() -> str:
    """Return the current budget, ``"quick"`` or ``"full"``.

    Read from ``$RNNBOOK_BUDGET``; unset means ``"full"``, so that a reader who
    opens a chapter in Jupyter reproduces the published numbers.
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


def device(prefer_cuda: bool = True):
    """Return ``torch.device("cuda")`` when a GPU is available, else the CPU."""
    import torch

    if prefer_cuda and torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def seed_everything(seed: int = 0) -> None:
    """Seed Python's, NumPy's and PyTorch's generators (CPU and CUDA).

    Also asks PyTorch for deterministic algorithms where it has them, so that a
    chapter run twice on one machine prints the same numbers.
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


def setup(seed: int = 0, *, data: str | None = None, threads: int | None = 1) -> dict:
    """Seed everything, apply the figure style and print what the chapter runs on.

    Parameters
    ----------
    seed:
        Seed for every random generator.
    data:
        A short description of the data the chapter uses, printed with the rest.
    threads:
        Number of CPU threads PyTorch may use (``None`` leaves its default).
        The book's models are small: a step is many small matrix products, for
        which splitting the work across threads costs more than it gains, and
        on a busy machine it can be many times slower. One thread is the
        default for that reason.

    It also makes NumPy scalars print as plain numbers (``0.5`` rather than
    NumPy 2's ``np.float64(0.5)``), so that values passed to myst-nb's ``glue``
    can be formatted in the text.

    Returns
    -------
    dict with keys ``budget``, ``device`` (a ``torch.device``) and ``seed``.
    """
    import torch

    from . import style

    seed_everything(seed)
    style.use()
    np.set_printoptions(legacy="1.25")
    if threads is not None:
        torch.set_num_threads(threads)
    # Deterministic cuBLAS needs this before the first CUDA call; harmless on the CPU.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    dev = device()
    info = {"budget": budget(), "device": dev, "seed": seed}
    line = (
        f"budget={info['budget']}  device={dev}  seed={seed}  "
        f"threads={torch.get_num_threads()}  torch={torch.__version__}  numpy={np.__version__}  "
        f"python={platform.python_version()}"
    )
    if data:
        line += f"\ndata: {data}"
    print(line)
    return info
