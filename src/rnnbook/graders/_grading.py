"""What every grader says: how a value looks, and the verdict.

The graders are those of :mod:`rnnbook.graders`.

A grader must answer every answer with a verdict, never with a traceback:
:func:`graded` turns anything that escapes a grader's own checks (an object
array, a bfloat16 or meta tensor that some conversion cannot handle) into a
"not yet" verdict that says what came back, and :func:`to_numpy` converts a
tensor only when NumPy can hold it, so that the usual checks of type, shape
and dtype report the rest.
"""

from __future__ import annotations

import functools

import numpy as np


def describe(a) -> str:
    """A short description of what the reader's function returned."""
    if isinstance(a, np.ndarray):
        return f"an array of shape {a.shape}, dtype {a.dtype}"
    try:
        import torch

        if isinstance(a, torch.Tensor):
            where = "" if a.device.type == "cpu" else f" on {a.device}"
            return (
                f"a tensor of shape {tuple(a.shape)}, dtype {a.dtype}{where}"
            )
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    if a is None:
        return "None (is the function body still the stub?)"
    return f"a {type(a).__name__}"


def to_numpy(a):
    """A tensor as a NumPy array.

    Anything else, or a tensor NumPy cannot hold, is returned unchanged:
    bfloat16 tensors and tensors on the meta device stay tensors, so that the
    grader reports their dtype or device instead of crashing on them.
    """
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return a
    if isinstance(a, torch.Tensor):
        try:
            return a.detach().cpu().numpy()
        except (TypeError, RuntimeError, NotImplementedError):
            return a
    return a


def is_real(a) -> bool:
    """True for an array of real numbers (float, int, bool).

    Those are the arrays that the comparisons can handle.
    """
    return isinstance(a, np.ndarray) and a.dtype.kind in "fiub"


def one_number(a):
    """``a`` as a NumPy array of shape (), or None if it is not one real
    number.

    A Python or NumPy number, or an array or tensor holding one; strings,
    object or complex arrays and tensors NumPy cannot hold are not numbers.
    """
    a = to_numpy(a)
    if isinstance(a, (int, float, np.generic)):
        a = np.asarray(a)
    if not is_real(a) or a.size != 1:
        return None
    return a.reshape(())


def graded(check):
    """Decorator: ``check`` prints a verdict and returns False, never raises.

    The graders catch the reader's own exceptions case by case; this catches
    what a strange return value (an object array, an exotic dtype) breaks in
    the grader's checks after that.
    """

    @functools.wraps(check)
    def grader(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a verdict, never a traceback
            print(
                "not yet: your answer could not be checked "
                f"({type(exc).__name__}: {exc})."
            )
            print(
                "  - return what the exercise asks for: arrays or tensors of "
                "real numbers with the shapes and dtype it names (not lists, "
                "object or string arrays)."
            )
            return False

    return grader


def verdict(problems: list[str], n_cases: int, what: str, *,
            reference: str = "the reference") -> bool:
    """Print "correct", or "not yet" and the first three problems.

    Returns True if there are no problems.
    """
    if problems:
        print(f"not yet: {len(problems)} of {n_cases} cases wrong for {what}.")
        for p in problems[:3]:
            print("  -", p)
        return False
    print(
        f"correct: {what} matches {reference} on all {n_cases} random cases."
    )
    return True
