"""Graders for the exercises of the chapter "Gated recurrent unit"
(``book/gru``).

``check_gru_step(fn)``
    ``fn(x_t, h_prev, params) -> h_t`` is the reader's one GRU step in NumPy,
    in the convention of ``torch.nn.GRU``:

        r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
        z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
        n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
        h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}

    ``x_t`` (B, D), ``h_prev`` (B, H); ``params`` holds ``weight_ih`` (3H, D),
    ``weight_hh`` (3H, H), ``bias_ih`` and ``bias_hh`` (3H,), gate blocks in
    the order r, z, n. The reference is
    :func:`rnnbook.numpy.gru.gru_cell_forward`.

The grader draws random problems (float64 and float32, D != H, nonzero state
and biases), calls ``fn`` on copies, and prints a verdict that says what was
expected and what came back (type, shape, dtype, largest error). A wrong
answer that equals one of the other published GRU conventions gets a hint
that names it, because those are the usual slips:

- the reset gate applied *before* the product, W_hn (r_t ⊙ h_{t-1}), as in
  Cho et al. (2014), Chung et al. (2014), colah's blog, Ng's course and d2l's
  from-scratch GRU;
- the roles of z_t and 1 − z_t swapped,
  h_t = z_t ⊙ n_t + (1 − z_t) ⊙ h_{t-1},
  as in Chung et al. (2014), colah's blog and Ng's course;
- both at once (exactly colah's and Ng's GRU);
- b_hn added outside the reset product, r_t ⊙ (W_hn h_{t-1}) + b_hn;
- the r and z blocks read in the wrong order (Keras stores z before r);
- ``bias_hh`` left out.

It returns True or False; a wrong or crashing answer is reported, never
raised.
"""

from __future__ import annotations

import numpy as np
from ._grading import (
    describe as _describe,
    graded,
    to_numpy as _as_array,
    verdict as _verdict,
)

__all__ = ["check_gru_step", "gru_step_variant", "VARIANTS"]


# ------------------------------------------------------------- the conventions


def _sigmoid(a):
    return 0.5 * np.tanh(0.5 * a) + 0.5


def gru_step_variant(
    x_t,
    h_prev,
    params,
    *,
    reset="after",
    keep="z",
    bias_hn="inside",
    order="rzn",
    use_bias_hh=True,
):
    """One GRU step in any of the conventions the grader recognises.

    ``reset="after"`` is PyTorch's r ⊙ (W_hn h + b_hn), ``"before"`` is
    Cho et al.'s W_hn (r ⊙ h) + b_hn. ``keep="z"`` is PyTorch's
    h = (1 − z) n + z h_prev, ``"1-z"`` is colah's and Ng's
    h = z n + (1 − z) h_prev. ``bias_hn="outside"`` adds b_hn after the reset
    product. ``order="zrn"`` reads the first block as z and the second as r.
    The defaults give ``torch.nn.GRU``.
    """
    H = h_prev.shape[1]
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]
    b_ih = params["bias_ih"]
    b_hh = (
        params["bias_hh"] if use_bias_hh else np.zeros_like(params["bias_hh"])
    )
    ax = x_t @ W_ih.T + b_ih  # (B, 3H) input side, biases b_i*
    first, second = slice(0, H), slice(H, 2 * H)
    if order == "zrn":
        first, second = second, first
    W_hr, W_hz, W_hn = W_hh[first], W_hh[second], W_hh[2 * H :]
    b_hr, b_hz, b_hn = b_hh[first], b_hh[second], b_hh[2 * H :]
    r = _sigmoid(ax[:, first] + h_prev @ W_hr.T + b_hr)
    z = _sigmoid(ax[:, second] + h_prev @ W_hz.T + b_hz)
    if reset == "before":
        hidden = (r * h_prev) @ W_hn.T + b_hn
    elif bias_hn == "outside":
        hidden = r * (h_prev @ W_hn.T) + b_hn
    else:
        hidden = r * (h_prev @ W_hn.T + b_hn)
    n = np.tanh(ax[:, 2 * H :] + hidden)
    if keep == "z":
        return (1 - z) * n + z * h_prev
    return z * n + (1 - z) * h_prev


#: name -> (keyword arguments of :func:`gru_step_variant`, hint shown to the
#: reader)
VARIANTS = {
    "reset before and 1 - z": (
        dict(reset="before", keep="1-z"),
        "your step is colah's and Ng's GRU: the reset gate is applied before "
        "the product, W_hn (r_t * h_prev), and z_t weights the candidate. "
        "PyTorch applies the reset gate after the product, r_t * (W_hn h_prev "
        "+ b_hn), and z_t weights the old state: h_t = (1 - z_t) * n_t + z_t "
        "* h_prev.",
    ),
    "reset before": (
        dict(reset="before"),
        "you applied the reset gate before the matrix product, W_hn (r_t * "
        "h_prev) + b_hn, as Cho et al. (2014) and d2l's from-scratch GRU do. "
        "PyTorch (and cuDNN) apply it after: r_t * (W_hn h_prev + b_hn).",
    ),
    "1 - z": (
        dict(keep="1-z"),
        "you swapped z_t and 1 - z_t (the convention of colah's blog and Ng's "
        "course). In PyTorch z_t close to 1 keeps the old state: h_t = (1 - "
        "z_t) * n_t + z_t * h_prev.",
    ),
    "b_hn outside": (
        dict(bias_hn="outside"),
        "you added b_hn outside the reset product. In PyTorch the reset gate "
        "multiplies the bias too: r_t * (W_hn h_prev + b_hn).",
    ),
    "gate order z, r": (
        dict(order="zrn"),
        "you read the first block of the weights as z and the second as r. "
        "torch.nn.GRU stacks them in the order r, z, n (Keras stores z "
        "first).",
    ),
    "no bias_hh": (
        dict(use_bias_hh=False),
        "you left out bias_hh. torch.nn.GRU has two bias vectors, bias_ih and "
        "bias_hh, and uses both.",
    ),
}


# ------------------------------------------------------------------ helpers


def _max_err(got, want) -> float:
    return float(
        np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))
    )


# ------------------------------------------------------------------ the grader


@graded
def check_gru_step(fn, *, seed: int = 0, n_cases: int = 6) -> bool:
    """Grade ``fn(x_t, h_prev, params) -> h_t``, one step of ``torch.nn.GRU``.

    Cases use random sizes (D != H), float64 and float32, nonzero states and
    biases, and compare with :func:`rnnbook.numpy.gru.gru_cell_forward` to an
    absolute tolerance of 1e-10 (float64) or 1e-5 (float32); the states lie
    in (-1, 1). The inputs the reader receives are copies.
    """
    from rnnbook.numpy.gru import gru_cell_forward

    rng = np.random.default_rng(seed)
    problems = []
    hinted = set()  # give each hint once
    for c in range(n_cases):
        B = int(rng.integers(1, 5))
        D = int(rng.integers(2, 7))
        H = int(rng.integers(2, 7))
        if H == D:
            H += 1
        dtype = np.float32 if c % 3 == 2 else np.float64
        tol = 1e-5 if dtype == np.float32 else 1e-10

        def r(*shape, scale=1.0):
            return (scale * rng.standard_normal(shape)).astype(dtype)

        params = {
            "weight_ih": r(3 * H, D, scale=0.8),
            "weight_hh": r(3 * H, H, scale=0.8),
            "bias_ih": r(3 * H, scale=0.6),
            "bias_hh": r(3 * H, scale=0.6),
        }
        x = r(B, D)
        h0 = rng.uniform(-0.9, 0.9, size=(B, H)).astype(dtype)
        case = f"case {c + 1} (B={B}, D={D}, H={H}, {np.dtype(dtype).name})"
        want, _ = gru_cell_forward(x, h0, params)
        try:
            got = fn(
                x.copy(), h0.copy(), {k: v.copy() for k, v in params.items()}
            )
        except Exception as exc:  # noqa: BLE001 - report, never raise
            problems.append(
                f"{case}: your function raised {type(exc).__name__}: {exc}"
            )
            continue
        got = _as_array(got)
        if isinstance(got, (tuple, list)):
            problems.append(
                f"{case}: expected h_t alone, an array of shape {(B, H)}, got "
                f"a {type(got).__name__} of length {len(got)}"
            )
            continue
        if not isinstance(got, np.ndarray):
            problems.append(
                f"{case}: expected h_t, an array of shape {(B, H)} and dtype "
                f"{np.dtype(dtype).name}, got {_describe(got)}"
            )
            continue
        if got.shape != want.shape:
            problems.append(
                f"{case}: h_t should have shape (B, H) = {want.shape}, got "
                f"{got.shape}"
            )
            continue
        if got.dtype.kind != "f":
            problems.append(
                f"{case}: h_t should hold floats of the input dtype "
                f"{np.dtype(dtype).name}, got dtype {got.dtype}"
            )
            continue
        if not np.all(np.isfinite(got)):
            problems.append(f"{case}: h_t contains NaN or inf")
            continue
        err = _max_err(got, want)
        if err > tol:
            hint = ""
            for name, (kwargs, text) in VARIANTS.items():
                alt = gru_step_variant(
                    x.astype(np.float64),
                    h0.astype(np.float64),
                    {k: v.astype(np.float64) for k, v in params.items()},
                    **kwargs,
                )
                if _max_err(got, alt) <= max(
                    tol, 1e-5 if dtype == np.float32 else 1e-9
                ):
                    hint = "" if name in hinted else f" Hint: {text}"
                    hint = hint or f" (the same slip: {name})"
                    hinted.add(name)
                    break
            idx = np.unravel_index(
                int(np.argmax(np.abs(got.astype(np.float64) - want))),
                want.shape,
            )
            problems.append(
                f"{case}: h_t has max abs error {err:.3g} (tolerance {tol:g}; "
                f"at index {tuple(map(int, idx))} expected "
                f"{want[idx].item():.6g}, got {got[idx].item():.6g}).{hint}"
            )
            continue
        if got.dtype != want.dtype:
            problems.append(
                f"{case}: the values are right, but h_t should keep the input "
                f"dtype {want.dtype}, got {got.dtype}"
            )
    return _verdict(problems, n_cases, "your GRU step h_t")
