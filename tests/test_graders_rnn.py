"""The graders of book/rnn accept correct answers and reject wrong ones.

The chapter's solutions pass them and run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from rnnbook.graders.rnn import check_rnn_forward, check_rnn_step
from rnnbook.numpy import rnn_forward

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "rnn.ipynb"


# ----------------------------------------------------- the chapter's solutions


def solution_code(label: str) -> str:
    """The code cells of the gated solution of exercise ``label``.

    Those between its ``solution-start`` and ``solution-end`` markdown cells,
    as the build runs them.
    """
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    start = next(
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown"
        and f"{{solution-start}} {label}\n" in "".join(c["source"])
    )
    code = []
    for c in cells[start + 1 :]:
        text = "".join(c["source"])
        if c["cell_type"] == "markdown" and "{solution-end}" in text:
            return "\n\n".join(code)
        if c["cell_type"] == "code":
            code.append(text)
    raise AssertionError(f"{label}: no solution-end after its solution-start")


def run_solution(label: str, **names) -> dict:
    # S: the chapter's effective seed (info["seed"]), which solutions derive
    # theirs from.
    namespace = {
        "S": 0,
        "np": np,
        "torch": torch,
        "nn": nn,
        "rnn_forward": rnn_forward,
        "check_rnn_step": check_rnn_step,
        "check_rnn_forward": check_rnn_forward,
        **names,
    }
    exec(solution_code(label), namespace)  # noqa: S102 - our own notebook
    return namespace


def test_every_exercise_has_a_solution_with_code():
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    text = "\n".join(
        "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
    )
    labels = re.findall(r":label: (ex-rnn-\d+)", text)
    assert labels == [f"ex-rnn-{i}" for i in range(1, 8)], labels
    for label in labels:
        assert solution_code(label).strip(), label


# ----------------------------------------------------------- correct answers


def step_ok(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return np.tanh(x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh)


def step_einsum(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return np.tanh(
        np.einsum("hd,bd->bh", W_ih, x_t)
        + np.einsum("hk,bk->bh", W_hh, h_prev)
        + (b_ih + b_hh)
    )


def step_torch(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    """Returns a tensor: accepted, it is converted."""
    t = torch.from_numpy
    return torch.tanh(
        t(x_t) @ t(W_ih).T + t(b_ih) + t(h_prev) @ t(W_hh).T + t(b_hh)
    )


def forward_ok(x, h0, W_ih, W_hh, b_ih, b_hh):
    h, ys = h0, []
    for x_t in x:
        h = step_ok(x_t, h, W_ih, W_hh, b_ih, b_hh)
        ys.append(h)
    return np.stack(ys), h


@pytest.mark.parametrize("fn", [step_ok, step_einsum, step_torch])
def test_step_accepts_correct(fn, capsys):
    assert check_rnn_step(fn) is True
    assert capsys.readouterr().out.startswith("correct")


def test_forward_accepts_correct(capsys):
    assert check_rnn_forward(forward_ok) is True
    assert capsys.readouterr().out.startswith("correct")


@pytest.mark.parametrize(
    "label,name",
    [
        ("ex-rnn-1", "rnn_step_solution"),
        ("ex-rnn-3", "rnn_step_concat_solution"),
    ],
)
def test_step_accepts_the_chapter_solutions(label, name, capsys):
    assert check_rnn_step(run_solution(label)[name]) is True
    assert "correct" in capsys.readouterr().out


def test_forward_accepts_the_chapter_solution(capsys):
    assert (
        check_rnn_forward(run_solution("ex-rnn-2")["rnn_forward_solution"])
        is True
    )
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "label", ["ex-rnn-4", "ex-rnn-5", "ex-rnn-6", "ex-rnn-7"]
)
def test_other_solutions_run(label, capsys):
    run_solution(label)  # their asserts must hold


# ---------------------------------------------------------- wrong step answers


def step_stub(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return None  # your code here


def step_no_tanh(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh


def step_relu(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return np.maximum(x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh, 0)


def step_untransposed_hh(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return np.tanh(x_t @ W_ih.T + b_ih + h_prev @ W_hh + b_hh)


def step_one_bias(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return np.tanh(x_t @ W_ih.T + b_ih + h_prev @ W_hh.T)


def step_no_state(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return np.tanh(x_t @ W_ih.T + b_ih + b_hh)


def step_float32(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return step_ok(x_t, h_prev, W_ih, W_hh, b_ih, b_hh).astype(np.float32)


def step_raises(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return W_ih @ x_t  # shapes do not fit: (H, D) @ (B, D)


def step_returns_cache(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return step_ok(x_t, h_prev, W_ih, W_hh, b_ih, b_hh), {}


def step_one_example(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    return step_ok(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)[0]


def step_mutates(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    """Right answer through in-place updates of its (copied) inputs: accepted.
    """
    h_prev @= W_hh.T
    h_prev += x_t @ W_ih.T + b_ih + b_hh
    return np.tanh(h_prev)


WRONG_STEPS = {
    step_stub: "None",
    step_no_tanh: "apply the activation",
    step_relu: "relu",
    step_untransposed_hh: "untransposed",
    step_one_bias: "b_hh is missing",
    step_no_state: "h_prev is ignored",
    step_float32: "float32",
    step_raises: "raised ValueError",
    step_returns_cache: "tuple",
    step_one_example: "should have shape",
}


@pytest.mark.parametrize(
    "fn,expected",
    list(WRONG_STEPS.items()),
    ids=[f.__name__ for f in WRONG_STEPS],
)
def test_step_rejects_wrong(fn, expected, capsys):
    assert check_rnn_step(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet"), out
    assert expected in out, out


def test_step_copies_inputs(capsys):
    assert check_rnn_step(step_mutates) is True


# ------------------------------------------------------- wrong forward answers


def forward_stub(x, h0, W_ih, W_hh, b_ih, b_hh):
    return None  # your code here


def forward_no_carry(x, h0, W_ih, W_hh, b_ih, b_hh):
    ys = [step_ok(x_t, h0, W_ih, W_hh, b_ih, b_hh) for x_t in x]
    return np.stack(ys), ys[-1]


def forward_shifted(x, h0, W_ih, W_hh, b_ih, b_hh):
    h, ys = h0, []
    for x_t in x:
        ys.append(h)
        h = step_ok(x_t, h, W_ih, W_hh, b_ih, b_hh)
    return np.stack(ys), h


def forward_first_state(x, h0, W_ih, W_hh, b_ih, b_hh):
    y, _ = forward_ok(x, h0, W_ih, W_hh, b_ih, b_hh)
    return y, y[0]


def forward_ignores_h0(x, h0, W_ih, W_hh, b_ih, b_hh):
    return forward_ok(x, np.zeros_like(h0), W_ih, W_hh, b_ih, b_hh)


def forward_y_only(x, h0, W_ih, W_hh, b_ih, b_hh):
    return forward_ok(x, h0, W_ih, W_hh, b_ih, b_hh)[0]


WRONG_FORWARDS = {
    forward_stub: "returned None",
    forward_no_carry: "every step starts from h0",
    forward_shifted: "shifted by one step",
    forward_first_state: "h_T must be the last state",
    forward_ignores_h0: "h0 is ignored",
    forward_y_only: "should return a pair",
}


@pytest.mark.parametrize(
    "fn,expected",
    list(WRONG_FORWARDS.items()),
    ids=[f.__name__ for f in WRONG_FORWARDS],
)
def test_forward_rejects_wrong(fn, expected, capsys):
    assert check_rnn_forward(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet"), out
    assert expected in out, out
