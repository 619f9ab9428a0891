"""torch.nn as the oracle for the NumPy RNN/LSTM/GRU tests (not collected)."""

from __future__ import annotations

import numpy as np
import torch

from rnnbook.numpy import params_from_torch

LAYERS = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def make_layer(
    kind, D, H, dtype=torch.float64, seed=0, nonlinearity="tanh", bias=True
):
    """A one-layer, time-major torch.nn layer with random weights."""
    torch.manual_seed(seed)
    kw = {"nonlinearity": nonlinearity} if kind == "rnn" else {}
    layer = LAYERS[kind](
        D, H, num_layers=1, batch_first=False, bias=bias, **kw
    )
    return layer.to(dtype)


def numpy_params(layer):
    """state_dict with the ``_l0`` suffix stripped, as NumPy arrays."""
    return params_from_torch(layer)


def random_problem(
    kind,
    T,
    B,
    D,
    H,
    dtype=np.float64,
    seed=0,
    with_state=True,
    with_dstate=True,
):
    """Random inputs, initial state and upstream gradients (NumPy)."""
    rng = np.random.default_rng(seed)
    r = lambda *s: rng.standard_normal(s).astype(dtype)  # noqa: E731
    prob = {"x": r(T, B, D), "dy": r(T, B, H)}
    if kind == "lstm":
        prob["state0"] = (r(B, H), r(B, H)) if with_state else None
        prob["dstate_T"] = (r(B, H), r(B, H)) if with_dstate else None
    else:
        prob["state0"] = r(B, H) if with_state else None
        prob["dstate_T"] = r(B, H) if with_dstate else None
    return prob


def torch_reference(kind, layer, prob):
    """Forward and autograd backward of ``layer`` on ``prob``.

    The loss is sum(y * dy) + sum(h_T * dh_T) [+ sum(c_T * dc_T)], so the
    gradients are exactly those a backward pass seeded with dy and dstate_T
    returns.
    """
    dt = next(layer.parameters()).dtype
    t = lambda a: torch.tensor(a, dtype=dt)  # noqa: E731
    x = t(prob["x"]).requires_grad_(True)
    B, H = prob["x"].shape[1], layer.hidden_size
    s0 = prob["state0"]
    if kind == "lstm":
        if s0 is None:
            s0 = (np.zeros((B, H)), np.zeros((B, H)))
        h0 = t(s0[0])[None].requires_grad_(True)
        c0 = t(s0[1])[None].requires_grad_(True)
        y, (hT, cT) = layer(x, (h0, c0))
    else:
        if s0 is None:
            s0 = np.zeros((B, H))
        h0 = t(s0)[None].requires_grad_(True)
        y, hT = layer(x, h0)
    loss = (y * t(prob["dy"])).sum()
    ds = prob["dstate_T"]
    if ds is not None:
        if kind == "lstm":
            loss = loss + (hT[0] * t(ds[0])).sum() + (cT[0] * t(ds[1])).sum()
        else:
            loss = loss + (hT[0] * t(ds)).sum()
    layer.zero_grad()
    loss.backward()
    n = lambda a: a.detach().numpy()  # noqa: E731
    out = {
        "y": n(y),
        "dx": n(x.grad),
        "grads": {
            k[: -len("_l0")]: n(p.grad) for k, p in layer.named_parameters()
        },
    }
    if kind == "lstm":
        out["state_T"] = (n(hT[0]), n(cT[0]))
        out["dstate0"] = (n(h0.grad[0]), n(c0.grad[0]))
    else:
        out["state_T"] = n(hT[0])
        out["dstate0"] = n(h0.grad[0])
    return out


def rel_err(a, b):
    """Normwise relative error ||a - b|| / max(||a|| + ||b||, tiny)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(
        np.linalg.norm(a - b)
        / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)
    )


def assert_close(name, got, want, tol):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want), name
        for j, (g, w) in enumerate(zip(got, want)):
            assert_close(f"{name}[{j}]", g, w, tol)
        return
    assert np.shape(got) == np.shape(
        want
    ), f"{name}: shape {np.shape(got)} != {np.shape(want)}"
    e = rel_err(got, want)
    assert e <= tol, f"{name}: relative error {e:.3g} > {tol:g}"


def numpy_api(kind, impl="numpy"):
    """(forward, backward, cell_forward, cell_backward) of ``rnnbook.numpy`` or ``rnnbook.fast``."""
    import rnnbook.fast
    import rnnbook.numpy

    module = {"numpy": rnnbook.numpy, "fast": rnnbook.fast}[impl]
    return tuple(
        getattr(module, f"{kind}_{name}")
        for name in ("forward", "backward", "cell_forward", "cell_backward")
    )


def numpy_run(kind, params, prob, impl="numpy", **kw):
    """Forward and backward of a NumPy implementation, as a dict like torch_reference."""
    fwd, bwd, _, _ = numpy_api(kind, impl)
    y, state_T, cache = fwd(prob["x"], prob["state0"], params, **kw)
    dx, dstate0, grads = bwd(prob["dy"], prob["dstate_T"], cache)
    return {
        "y": y,
        "state_T": state_T,
        "dx": dx,
        "dstate0": dstate0,
        "grads": grads,
    }


def compare(kind, got, want, tol):
    """Assert every output and gradient of ``got`` matches ``want``."""
    for name in ("y", "state_T", "dx", "dstate0"):
        assert_close(name, got[name], want[name], tol)
    assert set(got["grads"]) == set(want["grads"])
    for key, value in want["grads"].items():
        assert_close(f"grads[{key!r}]", got["grads"][key], value, tol)


def loss_fn(kind, inputs, prob, impl="numpy", **kw):
    """The scalar loss of torch_reference, as a function of a dict holding
    the parameters, ``x`` and the initial state (``h0`` and ``c0`` for lstm).
    """
    fwd = numpy_api(kind, impl)[0]
    params = {
        k: v for k, v in inputs.items() if k.startswith(("weight", "bias"))
    }
    state0 = (inputs["h0"], inputs["c0"]) if kind == "lstm" else inputs["h0"]
    y, state_T, _ = fwd(inputs["x"], state0, params, **kw)
    loss = np.sum(y * prob["dy"])
    if prob["dstate_T"] is not None:
        if kind == "lstm":
            loss += np.sum(state_T[0] * prob["dstate_T"][0]) + np.sum(
                state_T[1] * prob["dstate_T"][1]
            )
        else:
            loss += np.sum(state_T * prob["dstate_T"])
    return loss
