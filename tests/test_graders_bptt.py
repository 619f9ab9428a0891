"""The grader of book/bptt accepts correct BPTT and rejects wrong ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from rnnbook.graders.bptt import check_rnn_backward

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "bptt.ipynb"


# ----------------------------------------------------------- correct answers


def bptt_loop(
    x,
    hs,
    params,
    dy,
    dh_T=None,
    *,
    partner=lambda hs, i: hs[i],
    carry_delta=True,
    use_dh_T=True,
    bias_hh=True,
    batch_mean=False,
    local=lambda h: 1 - h**2,
    state_of_step=1,
):
    """A step-by-step BPTT; keyword arguments switch in classic slips."""
    T, B, _ = x.shape
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    carry = np.zeros_like(hs[0]) if (dh_T is None or not use_dh_T) else dh_T
    for i in range(T - 1, -1, -1):
        dh = dy[i] + carry
        delta = local(hs[i + state_of_step]) * dh
        grads["weight_hh"] += delta.T @ partner(hs, i)
        grads["weight_ih"] += delta.T @ x[i]
        grads["bias_ih"] += delta.sum(axis=0)
        if bias_hh:
            grads["bias_hh"] += delta.sum(axis=0)
        dx[i] = delta @ W_ih
        carry = (delta if carry_delta else dh) @ W_hh
    if batch_mean:
        grads = {k: v / B for k, v in grads.items()}
    return dx, carry, grads


def bptt_vectorised(x, hs, params, dy, dh_T=None):
    T, B, D = x.shape
    H = hs.shape[-1]
    delta = np.empty_like(dy)
    carry = np.zeros((B, H)) if dh_T is None else dh_T
    for i in range(T - 1, -1, -1):
        delta[i] = (1 - hs[i + 1] ** 2) * (dy[i] + carry)
        carry = delta[i] @ params["weight_hh"]
    d2 = delta.reshape(T * B, H)
    db = d2.sum(0)
    grads = {
        "weight_ih": d2.T @ x.reshape(T * B, D),
        "weight_hh": d2.T @ hs[:-1].reshape(T * B, H),
        "bias_ih": db,
        "bias_hh": db.copy(),
    }
    return delta @ params["weight_ih"], carry, grads


def solution_cells():
    """{label: [code of each cell]} for the gated solutions.

    The cells between solution-start and solution-end.
    """
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    out, label = {}, None
    for cell in cells:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            start = re.search(r"```\{solution-start\}\s*(\S+)", text)
            if start:
                label = start.group(1)
                out[label] = []
            if "{solution-end}" in text:
                label = None
        elif label is not None:
            out[label].append(text)
    return out


def solution_from_notebook():
    """The function of the solution of ex-bptt-1, as the chapter runs it."""
    # S: the chapter's seed
    namespace = {"S": 0, "np": np, "check_rnn_backward": lambda fn: True}
    for source in solution_cells()["ex-bptt-1"]:
        exec(source, namespace)  # noqa: S102 - our own notebook
    return namespace["rnn_backward_solution"]


@pytest.mark.parametrize(
    "fn", [bptt_loop, bptt_vectorised], ids=["loop", "vectorised"]
)
def test_accepts_correct(fn, capsys):
    assert check_rnn_backward(fn) is True
    assert "correct" in capsys.readouterr().out


def test_accepts_the_chapter_solution(capsys):
    assert check_rnn_backward(solution_from_notebook()) is True
    assert "correct" in capsys.readouterr().out


# ----------------------------------------------------------- wrong answers

WRONG = {
    "h_t instead of h_{t-1}": (
        dict(partner=lambda hs, i: hs[i + 1]),
        "h_{t-1}",
    ),
    "dh_T ignored": (dict(use_dh_T=False), "ignores dh_T"),
    "carries dL/dh, not delta": (dict(carry_delta=False), None),
    "b_hh gets no gradient": (dict(bias_hh=False), None),
    "batch mean": (dict(batch_mean=True), "averaged over the batch"),
    "derivative 1 - h": (dict(local=lambda h: 1 - h), None),
    "derivative at h_{t-1}": (
        dict(state_of_step=0),
        "h_{t-1}: δ_t = (1 - h_t²)",
    ),
}


@pytest.mark.parametrize("name", list(WRONG))
def test_rejects_slips(name, capsys):
    kwargs, hint = WRONG[name]
    assert check_rnn_backward(lambda *a: bptt_loop(*a, **kwargs)) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet"), out
    if hint:
        assert hint in out, out


def test_rejects_stub_crash_and_wrong_dtype(capsys):
    assert check_rnn_backward(lambda *a: None) is False
    assert "returned None" in capsys.readouterr().out

    def crash(*a):
        raise NotImplementedError("todo")

    assert check_rnn_backward(crash) is False
    assert "NotImplementedError" in capsys.readouterr().out

    def float32(*a):
        dx, dh0, g = bptt_loop(*a)
        return dx.astype(np.float32), dh0, g

    assert check_rnn_backward(float32) is False
    assert "float64" in capsys.readouterr().out


def test_grader_does_not_let_the_answer_modify_its_inputs():
    def vandal(x, hs, params, dy, dh_T=None):
        out = bptt_loop(x, hs, params, dy, dh_T)
        x[...] = 0
        hs[...] = 0
        params["weight_hh"][...] = 0
        return out

    assert check_rnn_backward(vandal) is True


def test_every_solution_in_the_chapter_runs(capsys):
    """The code cells of every gated solution run as in the chapter.

    Their asserts pass.
    """
    from rnnbook.gradcheck import rel_err
    from rnnbook.numpy import rnn_backward, rnn_forward

    solutions = solution_cells()
    assert {"ex-bptt-1", "ex-bptt-2", "ex-bptt-3"} <= set(solutions)
    for label, sources in solutions.items():
        assert sources, f"{label} has no code cell"
        namespace = {
            "S": 0,
            "np": np,
            "rnn_forward": rnn_forward,
            "rnn_backward": rnn_backward,
            "check_rnn_backward": check_rnn_backward,
            "rel_err": rel_err,
        }
        for source in sources:
            exec(source, namespace)  # noqa: S102 - our own notebook
    assert "not yet" not in capsys.readouterr().out
