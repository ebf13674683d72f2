#!/usr/bin/python3
"""Write the PyTorch reference values of nncc's AdamW, RMSProp, Adagrad, Nesterov SGD,
gradient clipping and learning-rate schedule tests.

Run with Debian's PyTorch 1.13 (package python3-torch):

    /usr/bin/python3 testdata/torch/optimizers.py

It writes optimizers_f32.safetensors and optimizers_f64.safetensors (one training run
per optimizer case, in that dtype) and optimizers_schedules.safetensors (the learning
rate of each schedule per epoch). README.md beside this script lists the tensors.
"""

import json
import os
import sys

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import write_safetensors, torch_version  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 5
BATCH = 5
FEATURES, HIDDEN, CLASSES = 6, 4, 3
INIT_SEED, DATA_SEED = 3001, 3002
PARAMS = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")

# Each case: the torch.optim class, its keyword arguments and, for clipping, the
# max_norm passed to torch.nn.utils.clip_grad_norm_ before every step.
CASES = {
    "adamw": ("AdamW", {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.1}, 0),
    "rmsprop": ("RMSprop", {"lr": 0.01}, 0),
    "rmsprop_centered": ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.01,
                                     "momentum": 0.8, "centered": True}, 0),
    "adagrad": ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.01,
                            "initial_accumulator_value": 0.1, "eps": 1e-10}, 0),
    "nesterov": ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, 0),
    "sgd_clip": ("SGD", {"lr": 0.5}, 0.05),
    "adamw_clip": ("AdamW", {"lr": 0.01, "weight_decay": 0.01}, 0.2),
}

BASE_LR = 0.1
EPOCHS = 12
# Each schedule: a function building the scheduler for an optimizer, and the
# settings nncc's schedule takes.
SCHEDULES = {
    "step": (lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
             {"kind": "step", "step_size": 3, "gamma": 0.5}),
    "cosine": (lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
               {"kind": "cosine", "t_max": 10, "eta_min": 0.001}),
    "warmup": (lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=3),
               {"kind": "constant", "warmup": 3, "warmup_start": 0.25}),
    "warmup_cosine": (lambda o: torch.optim.lr_scheduler.SequentialLR(o, [
        torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=3),
        torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=9)], milestones=[3]),
        {"kind": "cosine", "t_max": 9, "eta_min": 0.0, "warmup": 3, "warmup_start": 0.25}),
    "warmup_step": (lambda o: torch.optim.lr_scheduler.SequentialLR(o, [
        torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=2),
        torch.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.1)], milestones=[2]),
        {"kind": "step", "step_size": 4, "gamma": 0.1, "warmup": 2, "warmup_start": 0.1}),
}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(FEATURES, HIDDEN)
        self.fc2 = nn.Linear(HIDDEN, CLASSES)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def run_case(case, dtype, init_state, x, y):
    cls, kwargs, clip = CASES[case]
    model = Net()
    model.load_state_dict(init_state)
    model.to(dtype)
    named = dict(model.named_parameters())
    opt = getattr(torch.optim, cls)(model.parameters(), **kwargs)
    out, losses, norms = {}, [], []
    for step in range(STEPS):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x[step]), y[step].long())
        loss.backward()
        losses.append(loss.detach().clone())
        if clip:
            norms.append(torch.nn.utils.clip_grad_norm_(model.parameters(), clip).detach().clone())
        opt.step()
    out[case + ".loss"] = torch.stack(losses)
    if clip:
        out[case + ".norm"] = torch.stack(norms)
    for p in PARAMS:
        out[case + ".final." + p] = named[p].detach().clone()
    settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}
    settings["optimizer"] = cls
    settings["clip_norm"] = clip
    return out, json.dumps(settings, sort_keys=True)


def generate_training():
    torch.manual_seed(INIT_SEED)
    init_state = {k: v.clone() for k, v in Net().state_dict().items()}
    g = torch.Generator().manual_seed(DATA_SEED)
    x32 = torch.randn((STEPS, BATCH, FEATURES), generator=g, dtype=torch.float32)
    y = torch.randint(0, CLASSES, (STEPS, BATCH), generator=g).to(torch.int32)
    for dt, dtype in (("f32", torch.float32), ("f64", torch.float64)):
        tensors = {"x": x32.to(dtype), "y": y}
        for p in PARAMS:
            tensors["init." + p] = init_state[p].to(dtype)
        meta = {"steps": str(STEPS), "batch": str(BATCH), "dtype": dt,
                "architecture": "Linear(6,4)-tanh-Linear(4,3), CrossEntropyLoss(reduction=mean)",
                "torch_version": torch_version()}
        for case in CASES:
            out, settings = run_case(case, dtype, init_state, tensors["x"], y)
            tensors.update(out)
            meta[case] = settings
        write_safetensors(os.path.join(HERE, "optimizers_%s.safetensors" % dt), tensors, meta)


def generate_schedules():
    tensors, meta = {}, {"base_lr": repr(BASE_LR), "epochs": str(EPOCHS),
                         "torch_version": torch_version()}
    for name, (make, settings) in SCHEDULES.items():
        opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=BASE_LR)
        sched = make(opt)
        lrs = []
        for _ in range(EPOCHS):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        tensors[name] = torch.tensor(lrs, dtype=torch.float64)
        meta[name] = json.dumps(settings, sort_keys=True)
    write_safetensors(os.path.join(HERE, "optimizers_schedules.safetensors"), tensors, meta)


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    generate_training()
    generate_schedules()


if __name__ == "__main__":
    main()
