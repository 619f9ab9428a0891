"""Graders for the exercises of the chapter "Backpropagation through time".

The chapter is ``book/bptt``.

``check_rnn_backward(fn)``
    ``fn(x, hs, params, dy, dh_T=None) -> (dx, dh0, grads)`` is the reader's
    backpropagation through time for the simple RNN

        z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh,
        h_t = tanh(z_t),   t = 1..T,

    on a batch, time-major:

    - ``x`` (T, B, D): ``x[i]`` is the input of step t = i + 1;
    - ``hs`` (T + 1, B, H): ``hs[0]`` is h_0 and ``hs[t]`` is h_t;
    - ``params``: ``weight_ih`` (H, D), ``weight_hh`` (H, H), ``bias_ih`` (H,),
      ``bias_hh`` (H,), the layout of ``torch.nn.RNN`` without ``_l0``;
    - ``dy`` (T, B, H): ``dy[i]`` is the direct term dℓ_t/dh_t of step
      t = i + 1;
    - ``dh_T`` (B, H) or ``None``: a gradient arriving at h_T from after the
      sequence (``None`` means zeros).

    It must return ``dx`` (T, B, D), ``dh0`` (B, H) and a dict with the four
    parameter gradients, for the loss L = Σ_t <dy_t, h_t> + <dh_T, h_T>.

The grader compares the answer with two independent references on random
shapes (T = 1 included, with and without ``dh_T``):
``rnnbook.numpy.rnn_backward`` and ``torch.autograd`` through ``torch.nn.RNN``
in float64. It prints a verdict that names what was expected and what came
back (shape, dtype, largest error), recognises a few common slips (pairing δ_t
with h_t instead of h_{t-1} in the gradient of W_hh, taking the tanh
derivative at h_{t-1}, ignoring ``dh_T``, forgetting the batch sum) and returns
True or False. A wrong or crashing answer is reported, never raised.
"""

from __future__ import annotations

import numpy as np

from ..gradcheck import rel_err
from ._grading import describe as _describe, graded, is_real, to_numpy

__all__ = ["check_rnn_backward"]

PARAM_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
# float64 answers agree to ~1e-15; anything above 1e-8 is a real difference
RTOL = 1e-8


# ------------------------------------------------------------------ references


def _numpy_reference(x, h0, params, dy, dh_T):
    from rnnbook.numpy import rnn_backward, rnn_forward

    y, _, cache = rnn_forward(x, h0, params)
    dx, dh0, grads = rnn_backward(dy, dh_T, cache)
    hs = np.concatenate([h0[None], y])
    return hs, (dx, dh0, grads)


def _torch_reference(x, h0, params, dy, dh_T):
    import torch

    T, B, D = x.shape
    H = params["weight_hh"].shape[0]
    layer = torch.nn.RNN(D, H, dtype=torch.float64)
    with torch.no_grad():
        for key in PARAM_KEYS:
            getattr(layer, key + "_l0").copy_(torch.from_numpy(params[key]))
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0[None], requires_grad=True)
    y, hT = layer(xt, h0t)
    loss = (y * torch.from_numpy(dy)).sum()
    if dh_T is not None:
        loss = loss + (hT[0] * torch.from_numpy(dh_T)).sum()
    loss.backward()
    grads = {
        key: getattr(layer, key + "_l0").grad.numpy() for key in PARAM_KEYS
    }
    return xt.grad.numpy(), h0t.grad[0].numpy(), grads


# ------------------------------------------------------------------ helpers


def _compare(name, got, want, case) -> str | None:
    """None if ``got`` matches ``want``, else a message.

    Compared: shape, dtype float64 and values.
    """
    got = to_numpy(got)
    if not isinstance(got, np.ndarray):
        return (
            f"{case}: {name} should be {_describe(want)}, got {_describe(got)}"
        )
    if got.shape != want.shape:
        return (
            f"{case}: {name} should have shape {want.shape}, got shape "
            f"{got.shape}"
        )
    if got.dtype != np.float64:
        return (
            f"{case}: {name} should have dtype float64 (the inputs' dtype), "
            f"got {got.dtype}"
        )
    if not np.all(np.isfinite(got)):
        return f"{case}: {name} contains NaN or inf"
    if np.linalg.norm(want) == 0:
        err = float(np.max(np.abs(got))) if got.size else 0.0
        if err > RTOL:
            return (
                f"{case}: {name} should be all zeros here, got max abs value "
                f"{err:.3g}"
            )
        return None
    rel = rel_err(got, want)
    if rel > RTOL:
        diff = np.abs(got - want)
        idx = np.unravel_index(int(np.argmax(diff)), want.shape)
        return (
            f"{case}: {name} has relative error {rel:.3g} (largest at index "
            f"{tuple(map(int, idx))}: expected {want[idx]:.6g}, got "
            f"{got[idx]:.6g})"
        )
    return None


def _hint(name, got, case_data) -> str | None:
    """Recognise classic slips in a wrong ``weight_hh`` or batch sum."""
    x, hs, params, dy, dh_T, delta = case_data
    if not is_real(got) or got.shape != params[name].shape:
        return None
    if name == "weight_hh":
        slip = np.einsum("tbi,tbj->ij", delta, hs[1:])  # Σ δ_t h_t^T
        if rel_err(got, slip) < RTOL:
            return (
                "hint: your dL/dW_hh equals Σ_t δ_t h_t^T. W_hh multiplies "
                "the previous state in z_t, so its gradient is Σ_t δ_t "
                "h_{t-1}^T (hs[i] pairs with step i+1)."
            )
        slip = np.einsum(
            "tbi,tbj->ij",
            _deltas(x, hs, params, dy, dh_T, state_of_step=0),
            hs[:-1],
        )
        if rel_err(got, slip) < RTOL:
            return (
                "hint: your tanh derivative uses h_{t-1}: δ_t = (1 - h_t²) ⊙ "
                "∂L/∂h_t, and h_t of step i+1 is hs[i + 1]."
            )
    B = x.shape[1]
    key_sum = {
        "weight_ih": np.einsum("tbi,tbj->ij", delta, x),
        "weight_hh": np.einsum("tbi,tbj->ij", delta, hs[:-1]),
        "bias_ih": delta.sum((0, 1)),
        "bias_hh": delta.sum((0, 1)),
    }[name]
    if B > 1 and rel_err(got * B, key_sum) < RTOL:
        return (
            "hint: you averaged over the batch; the loss is a sum over the "
            "batch, so the gradients are sums too."
        )
    return None


def _deltas(x, hs, params, dy, dh_T, state_of_step=1):
    """δ_t for every step.

    ``state_of_step=0`` takes the tanh derivative at h_{t-1} (a slip).
    """
    T = x.shape[0]
    delta = np.empty_like(dy)
    carry = np.zeros_like(hs[0]) if dh_T is None else dh_T
    for i in range(T - 1, -1, -1):
        delta[i] = (1 - hs[i + state_of_step] ** 2) * (dy[i] + carry)
        carry = delta[i] @ params["weight_hh"]
    return delta


def _verdict(problems, n_wrong, hints, n_cases, what) -> bool:
    if problems:
        print(f"not yet: {n_wrong} of {n_cases} cases wrong for {what}.")
        for p in problems[:3]:
            print("  -", p)
        for h in sorted(set(hints))[:2]:
            print("  " + h)
        return False
    print(
        f"correct: {what} matches rnnbook.numpy.rnn_backward and torch "
        f"autograd on all {n_cases} random cases."
    )
    return True


# ------------------------------------------------------------------ grader


def _cases(rng, n_cases):
    """Shapes (T, B, D, H) and whether dh_T is given.

    T = 1 and B = 1 both appear.
    """
    fixed = [
        (1, 3, 2, 4, False),
        (1, 2, 3, 3, True),
        (5, 1, 3, 4, False),
        (4, 3, 2, 5, True),
    ]
    out = fixed[:n_cases]
    while len(out) < n_cases:
        out.append(
            (
                int(rng.integers(2, 9)),
                int(rng.integers(1, 5)),
                int(rng.integers(1, 6)),
                int(rng.integers(2, 7)),
                bool(rng.integers(2)),
            )
        )
    return out


@graded
def check_rnn_backward(fn, *, seed: int = 0, n_cases: int = 8) -> bool:
    """Grade ``fn(x, hs, params, dy, dh_T=None) -> (dx, dh0, grads)``.

    See the module docstring.

    Every case draws float64 inputs, weights, a non-zero h_0 and upstream
    gradients, runs ``rnnbook.numpy.rnn_forward`` to get the states ``hs``,
    calls ``fn`` on copies, and compares ``dx``, ``dh0`` and the four parameter
    gradients with ``rnnbook.numpy.rnn_backward`` and with ``torch.autograd``
    (relative error at most 1e-8). Returns True when every case matches.
    """
    rng = np.random.default_rng(seed)
    what = "your BPTT"
    problems, hints, n_wrong = [], [], 0
    for T, B, D, H, with_dh in _cases(rng, n_cases):
        case = (
            f"T={T}, B={B}, D={D}, H={H}, "
            f"dh_T={'given' if with_dh else 'None'}"
        )
        x = rng.normal(size=(T, B, D))
        h0 = rng.normal(0, 0.5, size=(B, H))
        params = {
            "weight_ih": rng.normal(0, 0.6, (H, D)),
            "weight_hh": rng.normal(0, 0.6, (H, H)),
            "bias_ih": rng.normal(0, 0.2, H),
            "bias_hh": rng.normal(0, 0.2, H),
        }
        dy = rng.normal(size=(T, B, H))
        dh_T = rng.normal(size=(B, H)) if with_dh else None
        hs, (dx_np, dh0_np, g_np) = _numpy_reference(x, h0, params, dy, dh_T)
        dx_th, dh0_th, g_th = _torch_reference(x, h0, params, dy, dh_T)
        # The two references must agree before the reader is judged against
        # them.
        ref_gap = max(
            [rel_err(dx_np, dx_th), rel_err(dh0_np, dh0_th)]
            + [rel_err(g_np[k], g_th[k]) for k in PARAM_KEYS]
        )
        if ref_gap > 1e-10:  # pragma: no cover - the package is broken
            print(
                "grader problem: rnn_backward and torch autograd disagree "
                f"({ref_gap:.2g}) for {case}; please report it."
            )
            return False
        try:
            out = fn(
                x.copy(),
                hs.copy(),
                {k: v.copy() for k, v in params.items()},
                dy.copy(),
                None if dh_T is None else dh_T.copy(),
            )
        except Exception as exc:  # noqa: BLE001 - any crash is a wrong answer
            problems.append(f"{case}: raised {type(exc).__name__}: {exc}")
            n_wrong += 1
            continue
        if out is None:
            problems.append(
                f"{case}: returned None (is the function body still the stub?)"
            )
            n_wrong += 1
            continue
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            problems.append(
                f"{case}: should return a tuple (dx, dh0, grads), got "
                f"{_describe(out)}"
            )
            n_wrong += 1
            continue
        dx, dh0, grads = out
        msgs = [
            _compare("dx", dx, dx_np, case),
            _compare("dh0", dh0, dh0_np, case),
        ]
        if not isinstance(grads, dict):
            msgs.append(
                f"{case}: grads should be a dict with keys "
                f"{list(PARAM_KEYS)}, got {_describe(grads)}"
            )
        else:
            missing = [k for k in PARAM_KEYS if k not in grads]
            if missing:
                msgs.append(f"{case}: grads is missing {missing}")
            case_data = (
                x,
                hs,
                params,
                dy,
                dh_T,
                _deltas(x, hs, params, dy, dh_T),
            )
            for key in PARAM_KEYS:
                if key in grads:
                    m = _compare(
                        f"grads[{key!r}]", grads[key], g_np[key], case
                    )
                    msgs.append(m)
                    if m:
                        h = _hint(key, grads[key], case_data)
                        if h:
                            hints.append(h)
        msgs = [m for m in msgs if m]
        if msgs and with_dh and dh_T is not None:
            # Would the answer be right if dh_T were ignored?
            _, (dx_0, dh0_0, g_0) = _numpy_reference(x, h0, params, dy, None)
            if (
                is_real(dh0)
                and dh0.shape == dh0_0.shape
                and rel_err(dh0, dh0_0) < RTOL
            ):
                hints.append(
                    "hint: your answer ignores dh_T; it is the gradient "
                    "arriving at h_T from after the sequence, added to dy at "
                    "the last step."
                )
        problems += msgs
        n_wrong += bool(msgs)
    return _verdict(problems, n_wrong, hints, n_cases, what)
