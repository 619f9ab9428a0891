"""Bad inputs raise ValueError with a message naming expected and received values."""

import re

import numpy as np
import pytest

import _oracle as oracle

KINDS = ["rnn", "lstm", "gru"]
G = {"rnn": 1, "lstm": 4, "gru": 3}
ROWS = {"rnn": "H", "lstm": "4*H", "gru": "3*H"}
T, B, D, H = 5, 2, 3, 4


def setup(kind, dtype=np.float64):
    rng = np.random.default_rng(0)
    params = {
        "weight_ih": rng.standard_normal((G[kind] * H, D)),
        "weight_hh": rng.standard_normal((G[kind] * H, H)),
        "bias_ih": rng.standard_normal(G[kind] * H),
        "bias_hh": rng.standard_normal(G[kind] * H),
    }
    params = {k: v.astype(dtype) for k, v in params.items()}
    x = rng.standard_normal((T, B, D)).astype(dtype)
    return params, x


def state(kind, b=B, h=H, dtype=np.float64):
    s = np.zeros((b, h), dtype=dtype)
    return (s, s.copy()) if kind == "lstm" else s


def h0_name(kind):
    return r"state0\[0\] \(h\)" if kind == "lstm" else "h0"


def esc(s):
    return re.escape(s)


@pytest.mark.parametrize("kind", KINDS)
def test_x_not_3d(kind):
    fwd = oracle.numpy_api(kind)[0]
    params, x = setup(kind)
    with pytest.raises(
        ValueError, match=esc("x must be 3-D (T, B, D), got shape (5, 3)")
    ):
        fwd(x[:, 0, :], None, params)


@pytest.mark.parametrize("kind", KINDS)
def test_integer_x(kind):
    fwd = oracle.numpy_api(kind)[0]
    params, x = setup(kind)
    with pytest.raises(
        ValueError, match="x must have dtype float32 or float64, got int64"
    ):
        fwd(x.astype(np.int64), None, params)


@pytest.mark.parametrize("kind", KINDS)
def test_input_size_mismatch(kind):
    fwd = oracle.numpy_api(kind)[0]
    params, x = setup(kind)
    x = np.zeros((T, B, D + 2))
    msg = (
        f"x has D={D + 2} (its last axis), but params['weight_ih'] has shape "
        f"({G[kind] * H}, {D}); expected ({G[kind] * H}, {D + 2}) = ({ROWS[kind]}, D)"
    )
    with pytest.raises(ValueError, match=esc(msg)):
        fwd(x, None, params)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bad", [(B + 1, H), (B, H + 1), (H,)])
def test_state_shape(kind, bad):
    fwd = oracle.numpy_api(kind)[0]
    params, x = setup(kind)
    s = np.zeros(bad)
    s0 = (s, np.zeros((B, H))) if kind == "lstm" else s
    msg = h0_name(kind) + esc(
        f" must have shape (B, H) = ({B}, {H}), got {tuple(bad)}"
    )
    with pytest.raises(ValueError, match=msg):
        fwd(x, s0, params)


def test_lstm_cell_state_shape():
    fwd = oracle.numpy_api("lstm")[0]
    params, x = setup("lstm")
    with pytest.raises(
        ValueError,
        match=esc(
            f"state0[1] (c) must have shape (B, H) = ({B}, {H}), got (1, {H})"
        ),
    ):
        fwd(x, (None, np.zeros((1, H))), params)
    with pytest.raises(ValueError, match=esc("state0 must be a pair (h, c)")):
        fwd(x, np.zeros((B, H)), params)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("key", ["weight_ih", "weight_hh"])
def test_missing_param(kind, key):
    fwd = oracle.numpy_api(kind)[0]
    params, x = setup(kind)
    del params[key]
    with pytest.raises(ValueError, match=f"params is missing key '{key}'"):
        fwd(x, None, params)


@pytest.mark.parametrize("kind", KINDS)
def test_misshaped_weight_hh(kind):
    fwd = oracle.numpy_api(kind)[0]
    params, x = setup(kind)
    params["weight_hh"] = params["weight_hh"][:, :-1]
    msg = (
        f"params['weight_hh'] must have shape ({G[kind] * H}, {H}) = ({ROWS[kind]}, H) "
        f"for {kind}, got ({G[kind] * H}, {H - 1})"
    )
    with pytest.raises(ValueError, match=esc(msg)):
        fwd(x, None, params)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("key", ["bias_ih", "bias_hh"])
def test_misshaped_bias(kind, key):
    fwd = oracle.numpy_api(kind)[0]
    params, x = setup(kind)
    params[key] = params[key][:-1]
    msg = (
        f"params['{key}'] must have shape ({G[kind] * H},) = ({ROWS[kind]},) for {kind}, "
        f"got ({G[kind] * H - 1},)"
    )
    with pytest.raises(ValueError, match=esc(msg)):
        fwd(x, None, params)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_weight_ih_rows_not_multiple_of_gates(kind):
    fwd = oracle.numpy_api(kind)[0]
    params, x = setup(kind)
    params["weight_ih"] = params["weight_ih"][:-1]
    with pytest.raises(
        ValueError,
        match=esc(f"params['weight_ih'] must have shape ({ROWS[kind]}, D)"),
    ):
        fwd(x, None, params)


@pytest.mark.parametrize("kind", KINDS)
def test_torch_names_rejected_with_hint(kind):
    fwd = oracle.numpy_api(kind)[0]
    params, x = setup(kind)
    params["weight_ih_l0"] = params.pop("weight_ih")
    with pytest.raises(
        ValueError,
        match=esc("unexpected key 'weight_ih_l0'")
        + ".*strip the '_l0' suffix",
    ):
        fwd(x, None, params)


@pytest.mark.parametrize("kind", KINDS)
def test_tensor_param_rejected(kind):
    torch = pytest.importorskip("torch")
    fwd = oracle.numpy_api(kind)[0]
    params, x = setup(kind)
    params["weight_hh"] = torch.tensor(params["weight_hh"])
    with pytest.raises(
        TypeError,
        match=esc("params['weight_hh'] must be a NumPy array, got Tensor"),
    ):
        fwd(x, None, params)


@pytest.mark.parametrize("kind", KINDS)
def test_mixed_dtypes(kind):
    fwd = oracle.numpy_api(kind)[0]
    params, x = setup(kind)
    with pytest.raises(
        ValueError,
        match="mixed dtypes: x is float32 but params.'weight_ih'. is float64",
    ):
        fwd(x.astype(np.float32), None, params)
    with pytest.raises(
        ValueError,
        match="mixed dtypes: x is float64 but "
        + h0_name(kind)
        + " is float32",
    ):
        fwd(x, state(kind, dtype=np.float32), params)
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    p32["bias_hh"] = params["bias_hh"]
    with pytest.raises(
        ValueError,
        match="mixed dtypes: x is float32 but params.'bias_hh'. is float64",
    ):
        fwd(x.astype(np.float32), None, p32)


@pytest.mark.parametrize("kind", KINDS)
def test_backward_dy_shape_and_dtype(kind):
    fwd, bwd = oracle.numpy_api(kind)[:2]
    params, x = setup(kind)
    y, _, cache = fwd(x, None, params)
    with pytest.raises(
        ValueError,
        match=esc(
            f"dy must have the shape of the forward output ({T}, {B}, {H}), got ({T}, {B}, {H + 1})"
        ),
    ):
        bwd(np.zeros((T, B, H + 1)), None, cache)
    with pytest.raises(
        ValueError,
        match="mixed dtypes: the forward pass ran in float64 but dy is float32",
    ):
        bwd(np.zeros((T, B, H), np.float32), None, cache)


@pytest.mark.parametrize("kind", KINDS)
def test_backward_dstate_shape(kind):
    fwd, bwd = oracle.numpy_api(kind)[:2]
    params, x = setup(kind)
    y, _, cache = fwd(x, None, params)
    bad = np.zeros((B + 1, H))
    ds = (None, bad) if kind == "lstm" else bad
    name = "dstate_T[1] (dc_T)" if kind == "lstm" else "dh_T"
    with pytest.raises(
        ValueError,
        match=esc(
            f"{name} must have the shape of the forward output ({B}, {H}), got ({B + 1}, {H})"
        ),
    ):
        bwd(np.zeros_like(y), ds, cache)


@pytest.mark.parametrize("kind", KINDS)
def test_backward_wrong_cache(kind):
    bwd = oracle.numpy_api(kind)[1]
    other = "gru" if kind != "gru" else "rnn"
    params, x = setup(other)
    y, _, cache = oracle.numpy_api(other)[0](x, None, params)
    with pytest.raises(
        ValueError,
        match=f"cache must come from {kind}_forward, got one from {other}_forward",
    ):
        bwd(np.zeros_like(y), None, cache)


@pytest.mark.parametrize("fn", ["rnn_forward", "rnn_cell_forward"])
def test_unknown_nonlinearity(fn):
    import rnnbook.numpy as rn

    params, x = setup("rnn")
    arg = x if fn == "rnn_forward" else x[0]
    with pytest.raises(
        ValueError,
        match=esc("nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"),
    ):
        getattr(rn, fn)(arg, None, params, nonlinearity="sigmoid")


@pytest.mark.parametrize("kind", KINDS)
def test_cell_checks(kind):
    _, _, cell_fwd, cell_bwd = oracle.numpy_api(kind)
    params, x = setup(kind)
    with pytest.raises(
        ValueError, match=esc("x_t must be 2-D (B, D), got shape (5, 2, 3)")
    ):
        cell_fwd(x, None, params)
    with pytest.raises(
        ValueError,
        match=esc(f"must have shape (B, H) = ({B}, {H}), got ({B}, {H + 1})"),
    ):
        cell_fwd(x[0], state(kind, h=H + 1), params)
    out, cache = cell_fwd(x[0], None, params)
    bad = np.zeros((B, H + 1))
    with pytest.raises(ValueError, match=esc(f"got ({B}, {H + 1})")):
        cell_bwd((bad, None) if kind == "lstm" else bad, cache)
    with pytest.raises(
        ValueError, match=f"cache must come from {kind}_cell_forward"
    ):
        cell_bwd(
            (None, None) if kind == "lstm" else np.zeros((B, H)),
            {"made_by": "x"},
        )
