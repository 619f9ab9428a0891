"""Character-level RNN language model in NumPy, trained with truncated BPTT.

The model of Karpathy's min-char-rnn (2015) and of the "Dinosaur Island" lab of
Ng's Sequence Models course, written over the book's NumPy RNN
(:func:`rnnbook.numpy.rnn_forward`, :func:`rnnbook.numpy.rnn_backward`). For
one-hot inputs x_t ∈ {0, 1}^V (V characters), batches time-major:

    h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)         (B, H)
    ŷ_t = W_hy h_t + b_y                                     (B, V)   logits
    p_t = softmax(ŷ_t)                                       (B, V)
    L   = −(1 / (T B)) Σ_t Σ_b log p_t[b, y_t[b]]            nats per character

and the output layer's backward pass, with Y_t the one-hot targets:

    ∂L/∂ŷ_t = (p_t − Y_t) / (T B)
    ∂L/∂W_hy = Σ_t (∂L/∂ŷ_t)^T h_t,   ∂L/∂b_y = Σ_t Σ_b ∂L/∂ŷ_t,
    ∂L/∂h_t (from the loss) = ∂L/∂ŷ_t W_hy

which :func:`rnnbook.numpy.rnn_backward` carries back through time.

*Truncated* BPTT: a long text is read in chunks of τ = T characters. The
state at the end of a chunk is the initial state of the next one (the forward
pass continues), but no gradient flows across the boundary (``dh_T = None``):
the gradient of a chunk reaches back at most T steps.

Parameters: the RNN's ``weight_ih`` (H, V), ``weight_hh`` (H, H), ``bias_ih``,
``bias_hh`` (H,), in the layout of ``torch.nn.RNN``, and the output layer's
``weight_hy`` (V, H) and ``bias_y`` (V,), the layout of ``torch.nn.Linear``.
"""

from __future__ import annotations

import numpy as np

from .charlm import one_hot, sample_next
from .numpy import rnn_backward, rnn_forward

__all__ = ["init_params", "loss_and_grads", "step_logits", "sample", "Adam"]

RNN_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def init_params(V: int, H: int, rng: np.random.Generator) -> dict:
    """Random parameters, U(−1/√H, 1/√H).

    The initialisation of ``torch.nn.RNN`` and ``nn.Linear``.
    """
    if V < 2 or H < 1:
        raise ValueError(f"need V >= 2 characters and H >= 1 hidden units, "
                         f"got {V} and {H}")
    k = 1.0 / np.sqrt(H)
    shapes = {"weight_ih": (H, V), "weight_hh": (H, H), "bias_ih": (H,),
              "bias_hh": (H,), "weight_hy": (V, H), "bias_y": (V,)}
    return {name: rng.uniform(-k, k, size=shape)
            for name, shape in shapes.items()}


def loss_and_grads(x_ids, y_ids, h0, params):
    """Mean next-character cross-entropy, its gradients and the last state.

    Parameters
    ----------
    x_ids, y_ids : int arrays (T, B)
        Input characters and their targets (the next characters).
    h0 : ndarray (B, H) or None
        The state carried from the previous chunk (None: zeros).
    params : dict
        See :func:`init_params`.

    Returns
    -------
    loss : float
        L in nats per character.
    grads : dict
        ∂L/∂θ with the keys of ``params``.
    h_T : ndarray (B, H)
        The last state, to start the next chunk from.
    """
    x_ids, y_ids = np.asarray(x_ids), np.asarray(y_ids)
    if x_ids.ndim != 2 or x_ids.shape != y_ids.shape:
        raise ValueError(f"x_ids and y_ids must both have shape (T, B), got "
                         f"{x_ids.shape} and {y_ids.shape}")
    T, B = x_ids.shape
    V = params["weight_hy"].shape[0]
    rnn_params = {k: params[k] for k in RNN_KEYS}
    x = one_hot(x_ids, V)                                     # (T, B, V)
    h, h_T, cache = rnn_forward(x, h0, rnn_params)            # (T, B, H)
    logits = h @ params["weight_hy"].T + params["bias_y"]     # ŷ_t (T, B, V)
    z = logits - logits.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))  # log p_t
    Y = one_hot(y_ids, V)                                     # (T, B, V)
    loss = -float((log_p * Y).sum()) / (T * B)

    dlogits = (np.exp(log_p) - Y) / (T * B)                   # ∂L/∂ŷ_t
    grads = {"weight_hy": np.einsum("tbv,tbh->vh", dlogits, h),
             "bias_y": dlogits.sum(axis=(0, 1))}
    dh = dlogits @ params["weight_hy"]                        # ∂L/∂h_t via ŷ_t
    # truncated: dh_T = None
    _, _, rnn_grads = rnn_backward(dh, None, cache)
    grads.update(rnn_grads)
    return loss, grads, h_T


def step_logits(x_id, h_prev, params):
    """One step of the model for a batch of ids (B,).

    Returns (logits (B, V), h_t).
    """
    V = params["weight_hy"].shape[0]
    rnn_params = {k: params[k] for k in RNN_KEYS}
    _, h, _ = rnn_forward(one_hot(np.asarray(x_id)[None], V), h_prev,
                          rnn_params)
    return h @ params["weight_hy"].T + params["bias_y"], h


def sample(params, start_id: int, stop_id: int | None, n: int, max_len: int,
           rng: np.random.Generator, temperature: float = 1.0, top_k=None):
    """Sample ``n`` sequences in parallel.

    Each sequence starts from the zero state and ``start_id`` and ends at
    ``stop_id`` (not included) or after ``max_len`` characters. Returns a
    list of ``n`` lists of ids.
    """
    H = params["weight_hh"].shape[0]
    x = np.full(n, start_id, dtype=np.int64)
    h = np.zeros((n, H))
    out, done = [[] for _ in range(n)], np.zeros(n, dtype=bool)
    for _ in range(max_len):
        logits, h = step_logits(x, h, params)
        x = sample_next(logits, rng, temperature, top_k)          # (n,)
        for b in np.flatnonzero(~done):
            if stop_id is not None and x[b] == stop_id:
                done[b] = True
            else:
                out[b].append(int(x[b]))
        if done.all():
            break
    return out


class Adam:
    """Adam (Kingma and Ba 2015) for a dict of NumPy arrays, updated in place.

    m ← β1 m + (1 − β1) g,  v ← β2 v + (1 − β2) g²,
    θ ← θ − lr · m̂ / (√v̂ + ε),   m̂ = m / (1 − β1^k),   v̂ = v / (1 − β2^k).
    """

    def __init__(self, params: dict, lr: float = 1e-2, betas=(0.9, 0.999),
                 eps=1e-8):
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.k = 0

    def step(self, grads: dict) -> None:
        b1, b2 = self.betas
        self.k += 1
        for name, p in self.params.items():
            g = grads[name]
            self.m[name] = b1 * self.m[name] + (1 - b1) * g
            self.v[name] = b2 * self.v[name] + (1 - b2) * g**2
            m_hat = self.m[name] / (1 - b1**self.k)
            v_hat = self.v[name] / (1 - b2**self.k)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
