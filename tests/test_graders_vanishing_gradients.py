"""The graders of book/vanishing_gradients: right answers pass, wrong fail."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnbook.graders.vanishing_gradients import (
    check_clip_by_global_norm,
    check_gradient_norms,
)

NOTEBOOK = (
    Path(__file__).resolve().parents[1] / "book" / "vanishing_gradients.ipynb"
)


# ------------------------------------------------------ gradient through time


def sweep(hs, W_hh, dh_T, *, transpose=True, at_previous=False, fprime=True):
    """The backward sweep; the keyword arguments switch in the classic slips.
    """
    T = hs.shape[0] - 1
    dh = np.empty_like(hs)
    dh[T] = dh_T
    W = W_hh.T if transpose else W_hh
    for t in range(T, 0, -1):
        h = hs[t - 1] if at_previous else hs[t]
        local = (1 - h**2) if fprime else 1.0
        dh[t - 1] = W @ (local * dh[t])
    return dh


def sweep_batched_rows(hs, W_hh, dh_T):
    """Row-vector style, as BPTT code is often written.

    dh_{t-1} = (δ_t) @ W_hh.
    """
    out = [dh_T]
    for t in range(hs.shape[0] - 1, 0, -1):
        out.append(((1 - hs[t] ** 2) * out[-1]) @ W_hh)
    return np.stack(out[::-1])


def sweep_torch(hs, W_hh, dh_T):
    """Through autograd, returning a torch tensor (the grader accepts tensors).
    """
    hs_t = torch.from_numpy(hs)
    W = torch.from_numpy(W_hh)
    out = [torch.from_numpy(dh_T)]
    for t in range(hs.shape[0] - 1, 0, -1):
        out.append(W.T @ ((1 - hs_t[t] ** 2) * out[-1]))
    return torch.stack(out[::-1])


@pytest.mark.parametrize("fn", [sweep, sweep_batched_rows, sweep_torch])
def test_gradient_grader_accepts_correct(fn, capsys):
    assert check_gradient_norms(fn) is True
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "kwargs, hint",
    [
        ({"transpose": False}, "W_hh^T"),
        ({"at_previous": True}, "taken at h_t"),
        ({"fprime": False}, "linear RNN"),
    ],
)
def test_gradient_grader_rejects_slips_with_hint(kwargs, hint, capsys):
    assert (
        check_gradient_norms(lambda hs, W, dh_T: sweep(hs, W, dh_T, **kwargs))
        is False
    )
    out = capsys.readouterr().out
    assert out.startswith("not yet")
    assert hint in out


def test_gradient_grader_rejects_without_raising(capsys):
    def crashes(hs, W_hh, dh_T):
        raise RuntimeError("boom")

    assert check_gradient_norms(lambda hs, W, dh_T: None) is False
    assert "returned None" in capsys.readouterr().out
    assert check_gradient_norms(crashes) is False
    assert "RuntimeError" in capsys.readouterr().out
    assert (
        check_gradient_norms(
            lambda hs, W, dh_T: sweep(hs, W, dh_T)[::-1].copy()
        )
        is False
    )
    assert (
        check_gradient_norms(
            lambda hs, W, dh_T: sweep(hs, W, dh_T).astype(np.float32)
        )
        is False
    )
    assert "float64" in capsys.readouterr().out


# ----------------------------------------------------- clipping by global norm


def clip_ok(grads, max_norm):
    total = np.sqrt(sum((g**2).sum() for g in grads))
    return [g * min(1.0, max_norm / total) for g in grads]


def clip_ok_eps(grads, max_norm):
    """As torch.nn.utils.clip_grad_norm_ and rnnbook.clip write it.

    With eps = 1e-6.
    """
    total = np.sqrt(sum((g**2).sum() for g in grads))
    factor = min(1.0, max_norm / (total + 1e-6))
    return [g * factor for g in grads]


def clip_with_rnnbook(grads, max_norm):
    """rnnbook.clip's in-place NumPy version, wrapped to return new arrays."""
    from rnnbook.clip import clip_by_global_norm

    copies = {str(i): g.copy() for i, g in enumerate(grads)}
    clip_by_global_norm(copies, max_norm)
    return [copies[str(i)] for i in range(len(grads))]


def clip_per_array(grads, max_norm):
    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]


def clip_value(grads, max_norm):
    return [np.clip(g, -max_norm, max_norm) for g in grads]


def clip_always(grads, max_norm):
    total = np.sqrt(sum((g**2).sum() for g in grads))
    return [g * (max_norm / total) for g in grads]


def clip_in_place(grads, max_norm):
    total = np.sqrt(sum((g**2).sum() for g in grads))
    for g in grads:
        g *= min(1.0, max_norm / total)
    return grads


@pytest.mark.parametrize("fn", [clip_ok, clip_ok_eps, clip_with_rnnbook])
def test_clip_grader_accepts_correct(fn, capsys):
    assert check_clip_by_global_norm(fn) is True
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn, hint",
    [
        (clip_per_array, "its own norm"),
        (clip_value, "clipping by value"),
        (clip_always, "left as it is"),
        (clip_in_place, "modified"),
    ],
)
def test_clip_grader_rejects_wrong(fn, hint, capsys):
    assert check_clip_by_global_norm(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet")
    assert hint in out


def test_clip_grader_in_place_hears_only_about_the_inputs(capsys):
    """Right values, inputs modified: no hint about a slip it did not make."""
    assert check_clip_by_global_norm(clip_in_place) is False
    out = capsys.readouterr().out
    assert "modified" in out
    assert "hint" not in out


def test_clip_grader_rejects_without_raising(capsys):
    assert check_clip_by_global_norm(lambda grads, c: None) is False
    assert "returned None" in capsys.readouterr().out
    assert check_clip_by_global_norm(lambda grads, c: grads[0]) is False
    assert check_clip_by_global_norm(lambda grads, c: 1 / 0) is False
    assert "ZeroDivisionError" in capsys.readouterr().out


# ----------------------------------------------------- the chapter's solutions


def _solution_cells(label: str) -> list[str]:
    """The code cells of a solution.

    Those between ``{solution-start} label`` and the next
    ``{solution-end}``.
    """
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    start = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown"
        and re.search(
            r"\{solution-start\} " + re.escape(label) + r"\b",
            "".join(c["source"]),
        )
    ]
    assert len(start) == 1, f"no gated solution for {label} in the chapter"
    code = []
    for c in cells[start[0] + 1 :]:
        if c["cell_type"] == "markdown" and "{solution-end}" in "".join(
            c["source"]
        ):
            return code
        if c["cell_type"] == "code":
            code.append("".join(c["source"]))
    raise AssertionError(f"the solution of {label} has no solution-end")


@pytest.mark.parametrize(
    "label, name, check",
    [
        ("ex-vg-1", "solution_gradient_through_time", check_gradient_norms),
        ("ex-vg-2", "solution_clip_by_global_norm", check_clip_by_global_norm),
    ],
)
def test_chapter_solutions_pass_their_graders(label, name, check):
    """The solution's first code cell defines the function.

    It asserts that the grader passes it.
    """
    # S: the chapter's effective seed
    namespace = {"S": 0, "np": np, check.__name__: check}
    exec(_solution_cells(label)[0], namespace)  # noqa: S102 - our code
    assert check(namespace[name]) is True
