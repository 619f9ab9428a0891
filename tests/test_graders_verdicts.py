"""Every grader returns a verdict, never a traceback, whatever an answer
returns.

Each grader is run on a correct answer whose outputs, one at a time, are
replaced by a natural wrong value: the unpadded ragged list, an object or a
string array, a bfloat16 or complex tensor, a meta tensor, NaNs, None. The
grader must print "not yet" and return False. Outputs that are not
arrays of numbers (a vocabulary of tokens, a sampled integer id) get the same
replacements: they must fail too.
"""

from __future__ import annotations


import numpy as np
import pytest
import torch

import test_graders_bptt as t_bptt
import test_graders_char_lm as t_clm
import test_graders_deep_bidirectional as t_bi
import test_graders_gru as t_gru
import test_graders_long_range as t_long
import test_graders_lstm as t_lstm
import test_graders_rnn as t_rnn
import test_graders_sentiment as t_sent
import test_graders_sequence_data as t_seq
import test_graders_time_series as t_ts
import test_graders_vanishing_gradients as t_vg
from rnnbook.graders import (
    bptt,
    char_lm,
    deep_bidirectional,
    gru,
    long_range,
    lstm,
    rnn,
    sentiment,
    sequence_data,
    time_series,
    vanishing_gradients,
)


def _np(v):
    return (
        v.detach().cpu().numpy()
        if isinstance(v, torch.Tensor)
        else np.asarray(v)
    )


def _float64(v):
    """v as float64; zeros of its shape for text (a list of tokens)."""
    try:
        return _np(v).astype(np.float64)
    except (TypeError, ValueError):
        return np.zeros(_np(v).shape)


WEIRD = {
    "ragged list": lambda v: [np.arange(k) for k in range(1, 4)],
    "object array": lambda v: _np(v).astype(object),
    "string array": lambda v: _np(v).astype(str),
    "bfloat16 tensor": lambda v: torch.as_tensor(_float64(v)).to(
        torch.bfloat16
    ),
    "complex array": lambda v: _float64(v).astype(np.complex128),
    "meta tensor": lambda v: torch.empty(_np(v).shape, device="meta"),
    "NaN": lambda v: np.full(_np(v).shape, np.nan),
    "None": lambda v: None,
}

# name -> (grader, correct answer, number of outputs, keyword arguments of
# the grader)
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
    "masked_pooling": (
        sentiment.check_masked_pooling,
        t_sent.pooling_vectorised,
        1,
        dict(n_cases=2),
    ),
    # the output is a list of str tokens: each replacement is no such list
    "build_vocab": (
        sentiment.check_build_vocab,
        t_sent.build_vocab,
        1,
        dict(n_cases=2),
    ),
    "moving_average": (
        time_series.check_moving_average,
        t_ts.ma_loop,
        1,
        {},
    ),
    "smoothed_differenced": (
        time_series.check_smoothed_differenced,
        t_ts.smooth_loop,
        1,
        {},
    ),
    "gaussian_mae": (time_series.check_gaussian_mae, t_ts.mae_ok, 1, {}),
    "recursive_forecast": (
        time_series.check_recursive_forecast,
        t_ts.recursive_loop,
        1,
        {},
    ),
    # the whole list of (x, y) batches replaced; BATCHED below replaces the
    # x or the y of every batch
    "sequential_batches": (
        char_lm.check_sequential_batches,
        t_clm.batches_ok,
        1,
        {},
    ),
    # one integer id per call; 300 draws per temperature keep it fast
    "sample_next": (
        char_lm.check_sample_next,
        t_clm.sample_ok,
        1,
        dict(n=300),
    ),
    "softmax_cross_entropy": (
        char_lm.check_softmax_cross_entropy,
        t_clm.xent_ok,
        2,
        {},
    ),
}

# graders whose answer returns a list of batches, each a tuple of outputs:
# name -> (grader, correct answer, outputs per batch, keyword arguments)
BATCHED = {
    "sequential_batches (x, y)": (
        char_lm.check_sequential_batches,
        t_clm.batches_ok,
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


def _replacing_in_batches(correct, n_out, index, weird):
    def answer(*args, **kwargs):
        return [
            tuple(weird(v) if i == index else v for i, v in enumerate(batch))
            for batch in correct(*args, **kwargs)
        ]

    return answer


# graders whose own checks name what was expected for every odd output,
# without the catch-all "could not be checked" of rnnbook.graders._grading
SPECIFIC = {
    "masked_pooling", "build_vocab", "moving_average",
    "smoothed_differenced", "gaussian_mae", "recursive_forecast",
    "sequential_batches", "sample_next", "softmax_cross_entropy",
    *BATCHED,
}

CASES = [
    (g, i, w)
    for g, (_, _, n, _) in {**GRADERS, **BATCHED}.items()
    for i in range(n)
    for w in WEIRD
]


@pytest.mark.parametrize("grader, index, weird", CASES)
def test_odd_outputs_get_a_failing_verdict(grader, index, weird, capsys):
    if grader in BATCHED:
        check, correct, n_out, kwargs = BATCHED[grader]
        replacing = _replacing_in_batches
    else:
        check, correct, n_out, kwargs = GRADERS[grader]
        replacing = _replacing
    answer = replacing(correct, n_out, index, WEIRD[weird])
    assert check(answer, **kwargs) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet"), out
    if grader in SPECIFIC:
        assert "could not be checked" not in out, out


@pytest.mark.parametrize("grader", list(GRADERS))
def test_correct_answers_still_pass(grader, capsys):
    check, correct, _, kwargs = GRADERS[grader]
    assert check(correct, **kwargs) is True, capsys.readouterr().out
