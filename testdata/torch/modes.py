#!/usr/bin/python3
"""Write the PyTorch reference values for nncc's training and inference modes.

    /usr/bin/python3 testdata/torch/modes.py

writes testdata/torch/modes_f64.safetensors and modes_f32.safetensors. Each file
contains three models trained with SGD (lr 0.1, momentum 0.9) for STEPS steps, one batch per
step, each with its tensors under "<model>.<name>":

- "bn1d": x [8, 4] -> Linear(4, 6) "fc1" -> BatchNorm1d(6) "bn1" -> ReLU ->
  Linear(6, 3) "fc2", cross-entropy over 3 classes;
- "bn2d": x [8, 2, 3, 3] -> BatchNorm2d(2, momentum=0.2, eps=1e-3) "bn1" -> ReLU
  -> Flatten -> Linear(18, 3) "fc2", cross-entropy over 3 classes;
- "convbn": x [8, 1, 5, 5] -> Conv2d(1, 3, 3, padding=1) "conv1" ->
  BatchNorm2d(3) "bn1" -> ReLU -> Flatten -> Linear(75, 3) "fc2", cross-entropy
  over 3 classes.

Tensors: "init.<p>" (every parameter before training, under its nncc name),
"x" and "y" (one batch per step, stacked; y as I32 class indices), "loss" (the
loss of each step, in training mode), "final.<p>" (the parameters after the
steps), "final.bn1.running_mean" and "final.bn1.running_var", "x_eval" and
"eval_out" (the output in eval mode after the steps, on a batch of 5). The
values are deterministic: seeded generators, one thread.
"""

import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import write_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 4
BATCH = 8


def build(name):
    if name == "bn1d":
        return nn.Sequential(OrderedDict(
            fc1=nn.Linear(4, 6), bn1=nn.BatchNorm1d(6), relu=nn.ReLU(), fc2=nn.Linear(6, 3)))
    if name == "bn2d":
        return nn.Sequential(OrderedDict(
            bn1=nn.BatchNorm2d(2, momentum=0.2, eps=1e-3), relu=nn.ReLU(),
            flatten=nn.Flatten(), fc2=nn.Linear(18, 3)))
    return nn.Sequential(OrderedDict(
        conv1=nn.Conv2d(1, 3, 3, padding=1), bn1=nn.BatchNorm2d(3), relu=nn.ReLU(),
        flatten=nn.Flatten(), fc2=nn.Linear(75, 3)))


def run(name, dt, seed):
    torch.manual_seed(seed)
    model = build(name).to(dt)
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for n, p in model.named_parameters():
            # Move weight and bias of the batch norm off their defaults, so that a
            # mix-up of the two shows.
            if n.startswith("bn1."):
                p.copy_(1 + 0.5 * torch.randn(p.shape, generator=g, dtype=dt))
    shape = {"bn1d": (STEPS, BATCH, 4), "bn2d": (STEPS, BATCH, 2, 3, 3),
             "convbn": (STEPS, BATCH, 1, 5, 5)}[name]
    xs = 2 * torch.randn(shape, generator=g, dtype=dt) + 0.5
    ys = torch.randint(0, 3, (STEPS, BATCH), generator=g)
    x_eval = 2 * torch.randn((5,) + shape[2:], generator=g, dtype=dt) + 0.5

    t = {}
    for n, p in model.named_parameters():
        t["init." + n] = p.detach().clone()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    losses = []
    model.train()
    for k in range(STEPS):
        opt.zero_grad()
        loss = nn.CrossEntropyLoss()(model(xs[k]), ys[k])
        loss.backward()
        opt.step()
        losses.append(loss.detach())
    model.eval()
    with torch.no_grad():
        out = model(x_eval)
    for n, p in model.named_parameters():
        t["final." + n] = p.detach().clone()
    t["final.bn1.running_mean"] = model.bn1.running_mean.clone()
    t["final.bn1.running_var"] = model.bn1.running_var.clone()
    t.update({"x": xs, "y": ys.int(), "loss": torch.stack(losses), "x_eval": x_eval, "eval_out": out})
    return {name + "." + k: v for k, v in t.items()}


def main():
    torch.set_num_threads(1)
    for dt, suffix in ((torch.float64, "f64"), (torch.float32, "f32")):
        tensors = {}
        tensors.update(run("bn1d", dt, 3001))
        tensors.update(run("bn2d", dt, 3002))
        tensors.update(run("convbn", dt, 3003))
        meta = {"steps": STEPS, "batch": BATCH, "lr": 0.1, "momentum": 0.9,
                "torch": torch.__version__, "dtype": suffix}
        write_safetensors(os.path.join(HERE, "modes_%s.safetensors" % suffix), tensors, meta)


if __name__ == "__main__":
    main()
