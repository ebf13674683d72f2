#!/usr/bin/python3
"""Write the PyTorch reference values for nncc's input gradients and grad construct.

    /usr/bin/python3 testdata/torch/gradients.py

writes testdata/torch/gradients_f64.safetensors and gradients_f32.safetensors with
two cases, their tensors stored as "<case>.<name>":

- saliency: an MNIST-shaped classifier (784 -> 16 -> 10, ReLU) on a batch of 4.
  "x", "y" (I32 labels), "c" (I32 classes chosen for the class scores),
  "param.<p>" (fc1.weight, fc1.bias, fc2.weight, fc2.bias in PyTorch's layout),
  "loss" (mean cross-entropy), "grad.x" (d loss / d x, x.grad after backward) and
  "grad.x_score" (d sum_i logits[i, c[i]] / d x).
- penalty: a classifier (6 -> 8 -> 3, tanh) trained for 3 SGD steps on one batch of
  5 with the loss cross_entropy + lam * sum(g * g), g = d cross_entropy / d x taken
  with torch.autograd.grad(create_graph=True). "x", "y", "init.<p>" (the params
  before the first step), "loss" (the penalized loss of each step, stacked) and
  "step.<p>" (the params after each step, stacked along the first axis).

The metadata holds the settings as "<case>.<setting>". The values are deterministic:
a seeded generator and one thread.
"""

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import write_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PARAMS = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")


def mlp(sizes, dt, g):
    """Return a two-layer MLP with params drawn from g, as nn.Linear draws them."""
    model = nn.Sequential()
    model.add_module("fc1", nn.Linear(sizes[0], sizes[1]))
    model.add_module("fc2", nn.Linear(sizes[1], sizes[2]))
    model = model.to(dt)
    with torch.no_grad():
        for layer in (model.fc1, model.fc2):
            bound = 1 / layer.in_features ** 0.5
            for p in (layer.weight, layer.bias):
                p.copy_((torch.rand(p.shape, generator=g, dtype=dt) * 2 - 1) * bound)
    return model


def params_of(model):
    return dict(zip(PARAMS, (model.fc1.weight, model.fc1.bias, model.fc2.weight, model.fc2.bias)))


def saliency_case(dt, g):
    n = 4
    model = mlp((784, 16, 10), dt, g)
    x = torch.rand(n, 784, generator=g, dtype=dt).requires_grad_(True)
    y = torch.randint(0, 10, (n,), generator=g)
    c = torch.randint(0, 10, (n,), generator=g)
    logits = model.fc2(torch.relu(model.fc1(x)))
    loss = F.cross_entropy(logits, y)
    (grad_x,) = torch.autograd.grad(loss, x)
    logits = model.fc2(torch.relu(model.fc1(x)))
    score = logits.gather(1, c.view(-1, 1)).sum()
    (grad_score,) = torch.autograd.grad(score, x)
    t = {"x": x.detach(), "y": y.int(), "c": c.int(), "loss": loss.detach(),
         "grad.x": grad_x, "grad.x_score": grad_score}
    for name, p in params_of(model).items():
        t["param." + name] = p.detach().clone()
    return t, {"batch": n, "hidden": 16}


def penalty_case(dt, g, steps=3, lam=0.5, lr=0.1):
    n = 5
    model = mlp((6, 8, 3), dt, g)
    x = torch.randn(n, 6, generator=g, dtype=dt).requires_grad_(True)
    y = torch.randint(0, 3, (n,), generator=g)
    t = {"x": x.detach(), "y": y.int()}
    for name, p in params_of(model).items():
        t["init." + name] = p.detach().clone()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    losses, after = [], {name: [] for name in PARAMS}
    for _ in range(steps):
        opt.zero_grad()
        ce = F.cross_entropy(model.fc2(torch.tanh(model.fc1(x))), y)
        (gx,) = torch.autograd.grad(ce, x, create_graph=True)
        loss = ce + lam * (gx * gx).sum()
        loss.backward()
        opt.step()
        losses.append(loss.detach().clone())
        for name, p in params_of(model).items():
            after[name].append(p.detach().clone())
    t["loss"] = torch.stack(losses)
    for name in PARAMS:
        t["step." + name] = torch.stack(after[name])
    return t, {"batch": n, "steps": steps, "lambda": lam, "lr": lr}


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    for dt, suffix in ((torch.float64, "f64"), (torch.float32, "f32")):
        g = torch.Generator().manual_seed(4242)
        tensors, meta = {}, {"dtype": suffix}
        for case, fn in (("saliency", saliency_case), ("penalty", penalty_case)):
            t, m = fn(dt, g)
            tensors.update({case + "." + k: v for k, v in t.items()})
            meta.update({case + "." + k: str(v) for k, v in m.items()})
        write_safetensors(os.path.join(HERE, "gradients_" + suffix + ".safetensors"), tensors, meta)


if __name__ == "__main__":
    main()
