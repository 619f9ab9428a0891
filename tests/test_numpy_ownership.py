"""rnnbook.numpy: a cache owns its arrays, and a layer has both biases or neither.

Editing in place any array the caller passed to a forward function (x, the
state) or got back from it (the output, the new state) must not change what
the backward pass computes; and a backward pass can be run twice.
"""

import numpy as np
import pytest

import _oracle as oracle

KINDS = ["rnn", "lstm", "gru"]
T, B, D, H = 4, 3, 2, 5


def _arrays(obj):
    """The ndarrays in a state, an output or a tuple of them."""
    if isinstance(obj, np.ndarray):
        return [obj]
    if isinstance(obj, (tuple, list)):
        return [a for o in obj for a in _arrays(o)]
    return []


def _copy(obj):
    return (
        tuple(_copy(o) for o in obj)
        if isinstance(obj, tuple)
        else np.copy(obj)
    )


def _scribble(obj):
    for a in _arrays(obj):
        a += 7.0


def _assert_same(got, want):
    got_a, want_a = _arrays(got), _arrays(want)
    assert len(got_a) == len(want_a)
    for g, w in zip(got_a, want_a):
        np.testing.assert_array_equal(g, w)
    if isinstance(want, tuple) and isinstance(want[-1], dict):  # grads
        for k in want[-1]:
            np.testing.assert_array_equal(got[-1][k], want[-1][k])


def _problem(kind, step):
    params = oracle.numpy_params(oracle.make_layer(kind, D, H))
    prob = oracle.random_problem(kind, T, B, D, H)
    if step:
        x, state = prob["x"][0].copy(), prob["state0"]
        dstate = prob["dstate_T"]
    else:
        x, state, dstate = (
            prob["x"],
            prob["state0"],
            (prob["dy"], prob["dstate_T"]),
        )
    return params, x, state, dstate


@pytest.mark.parametrize("step", [True, False], ids=["cell", "sequence"])
@pytest.mark.parametrize("kind", KINDS)
def test_editing_inputs_and_outputs_in_place_leaves_backward_alone(kind, step):
    fwd, bwd, cell_fwd, cell_bwd = oracle.numpy_api(kind)
    forward, backward = (cell_fwd, cell_bwd) if step else (fwd, bwd)
    params, x, state, dstate = _problem(kind, step)
    upstream = (dstate,) if step else dstate

    # reference: fresh arrays, nothing edited
    out = forward(x.copy(), _copy(state), params)
    want = backward(*_copy(upstream), out[-1])

    x2, state2 = x.copy(), _copy(state)
    out2 = forward(x2, state2, params)
    cache = out2[-1]
    for a in _arrays(out2[:-1]):  # nothing handed out is in the cache
        for key, value in cache.items():
            if isinstance(value, np.ndarray):
                assert not np.shares_memory(
                    a, value
                ), f"output shares memory with cache[{key!r}]"
    _scribble(x2)
    _scribble(state2)
    _scribble(out2[:-1])
    got = backward(*_copy(upstream), cache)
    _assert_same(got, want)
    _assert_same(
        backward(*_copy(upstream), cache), want
    )  # twice: the cache is not consumed


@pytest.mark.parametrize("step", [True, False], ids=["cell", "sequence"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "present, missing", [("bias_ih", "bias_hh"), ("bias_hh", "bias_ih")]
)
def test_one_bias_of_two_is_refused(kind, step, present, missing):
    fwd, _, cell_fwd, _ = oracle.numpy_api(kind)
    forward = cell_fwd if step else fwd
    params, x, state, _ = _problem(kind, step)
    del params[missing]
    with pytest.raises(
        ValueError, match=f"'{missing}'.*both biases or neither"
    ):
        forward(x, state, params)


@pytest.mark.parametrize("kind", KINDS)
def test_no_bias_at_all_is_fine(kind):
    fwd = oracle.numpy_api(kind)[0]
    params, x, state, _ = _problem(kind, step=False)
    del params["bias_ih"], params["bias_hh"]
    fwd(x, state, params)
