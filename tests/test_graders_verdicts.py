"""Every grader returns a verdict, never a traceback, whatever an answer returns.

Each grader is run on a correct answer whose outputs, one at a time, are
replaced by a natural wrong value: the unpadded ragged list, an object or a
string array, a bfloat16 or complex tensor, a meta tensor, NaNs, None. The
grader must print "not yet" and return False.
"""

from __future__ import annotations


import numpy as np
import pytest
import torch

import test_graders_bptt as t_bptt
import test_graders_deep_bidirectional as t_bi
import test_graders_gru as t_gru
import test_graders_long_range as t_long
import test_graders_lstm as t_lstm
import test_graders_rnn as t_rnn
import test_graders_sequence_data as t_seq
import test_graders_vanishing_gradients as t_vg
from rnnbook.graders import (
    bptt,
    deep_bidirectional,
    gru,
    long_range,
    lstm,
    rnn,
    sequence_data,
    vanishing_gradients,
)


def _np(v):
    return (
        v.detach().cpu().numpy()
        if isinstance(v, torch.Tensor)
        else np.asarray(v)
    )


WEIRD = {
    "ragged list": lambda v: [np.arange(k) for k in range(1, 4)],
    "object array": lambda v: _np(v).astype(object),
    "string array": lambda v: _np(v).astype(str),
    "bfloat16 tensor": lambda v: torch.as_tensor(_np(v).astype(np.float64)).to(
        torch.bfloat16
    ),
    "complex array": lambda v: _np(v).astype(np.complex128),
    "meta tensor": lambda v: torch.empty(_np(v).shape, device="meta"),
    "NaN": lambda v: np.full(_np(v).shape, np.nan),
    "None": lambda v: None,
}

# name -> (grader, correct answer, number of outputs, keyword arguments of the grader)
GRADERS = {
    "sliding_windows": (
        sequence_data.check_sliding_windows,
        t_seq.windows_loop,
        2,
        dict(n_cases=2),
    ),
    "pad_batch": (
        sequence_data.check_pad_batch,
        t_seq.pad_loop,
        3,
        dict(n_cases=2),
    ),
    "rnn_step": (rnn.check_rnn_step, t_rnn.step_ok, 1, {}),
    "rnn_forward": (rnn.check_rnn_forward, t_rnn.forward_ok, 2, {}),
    "bptt": (bptt.check_rnn_backward, t_bptt.bptt_loop, 2, dict(n_cases=2)),
    "gradient_norms": (
        vanishing_gradients.check_gradient_norms,
        t_vg.sweep,
        1,
        dict(n_cases=2),
    ),
    "lstm_step": (
        lstm.check_lstm_step,
        t_lstm.step_textbook,
        2,
        dict(n_cases=3),
    ),
    "gru_step": (gru.check_gru_step, t_gru.step_textbook, 1, dict(n_cases=3)),
    "bidirectional": (
        deep_bidirectional.check_bidirectional,
        t_bi.bi_flip,
        1,
        dict(n_cases=2),
    ),
    "bidirectional_padded": (
        deep_bidirectional.check_bidirectional_padded,
        t_bi.padded_loop,
        1,
        dict(n_cases=2),
    ),
    "adding_problem": (
        long_range.check_adding_problem,
        t_long.adding_mine,
        2,
        {},
    ),
}


def _replacing(correct, n_out, index, weird):
    def answer(*args, **kwargs):
        out = correct(*args, **kwargs)
        out = list(out) if n_out > 1 else [out]
        out[index] = weird(out[index])
        return tuple(out) if n_out > 1 else out[0]

    return answer


CASES = [
    (g, i, w)
    for g, (_, _, n, _) in GRADERS.items()
    for i in range(n)
    for w in WEIRD
]


@pytest.mark.parametrize("grader, index, weird", CASES)
def test_odd_outputs_get_a_failing_verdict(grader, index, weird, capsys):
    check, correct, n_out, kwargs = GRADERS[grader]
    answer = _replacing(correct, n_out, index, WEIRD[weird])
    assert check(answer, **kwargs) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet"), out


@pytest.mark.parametrize("grader", list(GRADERS))
def test_correct_answers_still_pass(grader, capsys):
    check, correct, _, kwargs = GRADERS[grader]
    assert check(correct, **kwargs) is True, capsys.readouterr().out
