#!/usr/bin/python3
"""Write the PyTorch reference values for nncc's layers and losses.

    /usr/bin/python3 testdata/torch/layers.py

writes testdata/torch/layers_f64.safetensors and layers_f32.safetensors. Each case
stores its tensors under "<case>.<name>":

- losses: "pred" (the prediction), "y" (labels: I32 class indices or float
  targets), "loss" (the scalar mean loss) and "grad.pred" (d loss / d pred);
- layers: "x" (the input; I32 token ids for embedding), "param.<p>" (each
  parameter under its nncc name, in PyTorch's layout), "out" (the forward output),
  "w" (fixed random weights of out's shape), and "grad.x", "grad.<p>" (gradients of
  sum(out * w)).

The metadata holds each case's settings as "<case>.<setting>". The values are
deterministic: seeded generator, one thread, deterministic algorithms.
"""

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import write_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def loss_cases(dt, g):
    """Yield (case, tensors, metadata) for every loss."""
    n, c = 4, 5

    def rand(*shape):
        return torch.randn(*shape, generator=g, dtype=dt)

    def case(name, pred, y, fn, meta=None):
        pred = pred.clone().requires_grad_(True)
        loss = fn(pred, y)
        loss.backward()
        t = {"pred": pred.detach(), "y": y, "loss": loss.detach(), "grad.pred": pred.grad}
        return name, t, meta or {}

    labels = torch.tensor([0, 3, 4, 1], dtype=torch.int64)
    yield case("mse", rand(n, 3), rand(n, 3), nn.MSELoss())
    yield case("l1", rand(n, 3), rand(n, 3), nn.L1Loss())
    # Spread the differences so that some lie inside delta and some outside.
    yield case("huber", 2 * rand(n, 3), rand(n, 3), nn.HuberLoss(delta=1.0), {"delta": "1"})
    yield case("huber_half", 2 * rand(n, 3), rand(n, 3), nn.HuberLoss(delta=0.5), {"delta": "0.5"})
    logp = torch.log_softmax(rand(n, c), 1)
    yield case("nll", logp, labels.int(), lambda p, y: nn.NLLLoss()(p, y.long()))
    yield case("ce", rand(n, c), labels.int(), lambda p, y: nn.CrossEntropyLoss()(p, y.long()))
    yield case("ce_smooth", rand(n, c), labels.int(),
               lambda p, y: nn.CrossEntropyLoss(label_smoothing=0.1)(p, y.long()),
               {"label_smoothing": "0.1"})
    probs = torch.softmax(rand(n, c), 1)
    yield case("ce_prob", rand(n, c), probs, nn.CrossEntropyLoss())
    yield case("ce_prob_smooth", rand(n, c), probs, nn.CrossEntropyLoss(label_smoothing=0.2),
               {"label_smoothing": "0.2"})
    p = torch.sigmoid(rand(n, 3))
    targets = (rand(n, 3) > 0).to(dt)
    yield case("bce", p, targets, nn.BCELoss())
    yield case("bce_logits_pw", rand(n, 3), targets,
               nn.BCEWithLogitsLoss(pos_weight=torch.tensor(2.5, dtype=dt)), {"pos_weight": "2.5"})
    pw = torch.tensor([0.5, 2.0, 3.0], dtype=dt)
    yield case("bce_logits_pw3", rand(n, 3), targets, nn.BCEWithLogitsLoss(pos_weight=pw),
               {"pos_weight": "0.5,2,3"})


def layer_case(name, g, dt, x, module, params, forward, meta=None):
    """Run forward(module, x), seed sum(out * w) and collect the gradients.

    params maps nncc parameter names to the module's parameters. Parameters are
    redrawn from the seeded generator so the values do not depend on torch's
    default generator.
    """
    with torch.no_grad():
        for p in params.values():
            p.copy_(torch.randn(p.shape, generator=g, dtype=dt) * 0.5)
            p.grad = None
    if x.dtype.is_floating_point:
        x = x.clone().requires_grad_(True)
    out = forward(module, x)
    w = torch.randn(out.shape, generator=g, dtype=dt)
    (out * w).sum().backward()
    t = {"x": x.detach(), "out": out.detach(), "w": w}
    if x.dtype.is_floating_point:
        t["grad.x"] = x.grad
    for pn, p in params.items():
        t["param." + pn] = p.detach().clone()
        t["grad." + pn] = p.grad
    return name, t, meta or {}


def layer_cases(dt, g):
    """Yield (case, tensors, metadata) for every layer."""
    def rand(*shape):
        return torch.randn(*shape, generator=g, dtype=dt)

    ln = nn.LayerNorm(6, eps=1e-5).to(dt)
    yield layer_case("layer_norm", g, dt, rand(3, 6), ln,
                     {"ln.weight": ln.weight, "ln.bias": ln.bias}, lambda m, x: m(x))
    ln3 = nn.LayerNorm(4, eps=1e-3, elementwise_affine=False).to(dt)
    yield layer_case("layer_norm_plain", g, dt, rand(2, 3, 4), ln3, {}, lambda m, x: m(x),
                     {"eps": "0.001"})

    emb = nn.Embedding(7, 4).to(dt)
    ids = torch.tensor([[0, 6, 2, 2, 5], [3, 1, 0, 4, 6], [6, 6, 1, 0, 2]], dtype=torch.int32)
    yield layer_case("embedding", g, dt, ids, emb, {"emb.weight": emb.weight},
                     lambda m, x: m(x.long()))

    n, t, f, h = 2, 4, 3, 5
    lstm = nn.LSTM(f, h, batch_first=True).to(dt)
    lstm_params = {"lstm.weight_ih": lstm.weight_ih_l0, "lstm.weight_hh": lstm.weight_hh_l0,
                   "lstm.bias_ih": lstm.bias_ih_l0, "lstm.bias_hh": lstm.bias_hh_l0}
    yield layer_case("lstm", g, dt, rand(n, t, f), lstm, lstm_params,
                     lambda m, x: m(x)[0][:, -1])
    yield layer_case("lstm_seq", g, dt, rand(n, t, f), lstm, lstm_params,
                     lambda m, x: m(x)[0])

    gru = nn.GRU(f, h, batch_first=True).to(dt)
    gru_params = {"gru.weight_ih": gru.weight_ih_l0, "gru.weight_hh": gru.weight_hh_l0,
                  "gru.bias_ih": gru.bias_ih_l0, "gru.bias_hh": gru.bias_hh_l0}
    yield layer_case("gru", g, dt, rand(n, t, f), gru, gru_params, lambda m, x: m(x)[0][:, -1])
    yield layer_case("gru_seq", g, dt, rand(n, t, f), gru, gru_params, lambda m, x: m(x)[0])

    e, heads = 6, 2
    att = nn.MultiheadAttention(e, heads, batch_first=True).to(dt)
    att_params = {"att.in_proj_weight": att.in_proj_weight, "att.in_proj_bias": att.in_proj_bias,
                  "att.out_proj.weight": att.out_proj.weight, "att.out_proj.bias": att.out_proj.bias}
    yield layer_case("attention", g, dt, rand(n, t, e), att, att_params,
                     lambda m, x: m(x, x, x, need_weights=False)[0], {"heads": "2"})
    causal = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
    yield layer_case("attention_causal", g, dt, rand(n, t, e), att, att_params,
                     lambda m, x: m(x, x, x, attn_mask=causal, need_weights=False)[0],
                     {"heads": "2"})


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    for name, dt in (("f64", torch.float64), ("f32", torch.float32)):
        g = torch.Generator().manual_seed(20261204)
        tensors, meta = {}, {"torch": torch.__version__}
        for cases in (loss_cases(dt, g), layer_cases(dt, g)):
            for case, t, m in cases:
                for k, v in t.items():
                    v = v.detach()
                    if not v.dtype.is_floating_point:
                        v = v.to(torch.int32)
                    tensors[case + "." + k] = v.reshape(v.shape)
                for k, v in m.items():
                    meta[case + "." + k] = v
        write_safetensors(os.path.join(HERE, "layers_%s.safetensors" % name), tensors, meta)


if __name__ == "__main__":
    main()
