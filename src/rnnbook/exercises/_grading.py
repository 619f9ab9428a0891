"""What every grader in :mod:`rnnbook.exercises` says: how a value looks, and the verdict."""

from __future__ import annotations

import numpy as np


def describe(a) -> str:
    """A short description of what the reader's function returned."""
    if isinstance(a, np.ndarray):
        return f"an array of shape {a.shape}, dtype {a.dtype}"
    try:
        import torch

        if isinstance(a, torch.Tensor):
            return f"a tensor of shape {tuple(a.shape)}, dtype {a.dtype}"
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    if a is None:
        return "None (is the function body still the stub?)"
    return f"a {type(a).__name__}"


def verdict(problems: list[str], n_cases: int, what: str, *,
            reference: str = "the reference") -> bool:
    """Print "correct" or "not yet" with the first three problems; return True if none."""
    if problems:
        print(f"not yet: {len(problems)} of {n_cases} cases wrong for {what}.")
        for p in problems[:3]:
            print("  -", p)
        return False
    print(f"correct: {what} matches {reference} on all {n_cases} random cases.")
    return True
