#!/usr/bin/python3
"""Write the PyTorch reference values for nncc's convolution and pooling ops.

    /usr/bin/python3 testdata/torch/conv.py

writes testdata/torch/conv_f64.safetensors. Each case stores its tensors under
"<case>.<name>": "x" (the input), "weight" (conv cases), "out" (the forward
output), "r" (fixed random weights of out's shape), and "grad.x", "grad.weight"
(gradients of sum(out * r)). The metadata holds each case's settings as
"<case>.<setting>", each a pair "h,w" or an integer. The max-pooling input holds
small integers, so that windows have tied maxima. The case "conv_layers" chains
nn.Conv2d(2, 4, 3, padding=1) with its bias, ReLU, max_pool2d(2),
avg_pool2d(3, stride=1, padding=1) and the global average, with the parameters
under "conv_layers.param.conv.weight" and "conv_layers.param.conv.bias", their
gradients under "conv_layers.grad.conv.*", and "r" also stored as "w".
"""

import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import write_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def pair(p):
    return "%d,%d" % p


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    g = torch.Generator().manual_seed(7)
    dt = torch.float64

    def rand(*shape):
        return torch.randn(*shape, generator=g, dtype=dt)

    tensors, meta = {}, {}

    def record(name, x, out, params, weight=None):
        r = rand(*out.shape)
        (out * r).sum().backward()
        tensors[name + ".x"] = x.detach()
        tensors[name + ".out"] = out.detach()
        tensors[name + ".r"] = r
        tensors[name + ".grad.x"] = x.grad
        if weight is not None:
            tensors[name + ".weight"] = weight.detach()
            tensors[name + ".grad.weight"] = weight.grad
        for k, v in params.items():
            meta[name + "." + k] = pair(v) if isinstance(v, tuple) else str(v)

    convs = {
        "conv_plain": ((2, 3, 7, 6), (4, 3, 3, 3), dict(stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1)),
        "conv_mixed": ((2, 4, 9, 8), (6, 2, 3, 2), dict(stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2)),
        "conv_depthwise": ((2, 3, 6, 6), (3, 1, 3, 3), dict(stride=(2, 2), padding=(1, 1), dilation=(1, 1), groups=3)),
    }
    for name, (xs, ws, p) in convs.items():
        x = rand(*xs).requires_grad_()
        w = rand(*ws).requires_grad_()
        record(name, x, F.conv2d(x, w, None, **p), p, w)

    pools = {
        "max_pool": (F.max_pool2d, (2, 3, 7, 7), dict(kernel=(3, 3), stride=(2, 2), padding=(1, 1))),
        "max_pool_overlap": (F.max_pool2d, (1, 2, 5, 6), dict(kernel=(2, 2), stride=(1, 1), padding=(0, 0))),
        "avg_pool": (F.avg_pool2d, (2, 3, 7, 6), dict(kernel=(3, 2), stride=(2, 2), padding=(1, 1))),
    }
    for name, (fn, xs, p) in pools.items():
        if fn is F.max_pool2d:
            x = torch.randint(-2, 3, xs, generator=g).to(dt).requires_grad_()
        else:
            x = rand(*xs).requires_grad_()
        out = fn(x, p["kernel"], p["stride"], p["padding"])
        record(name, x, out, p)

    # The layers together: Conv2d with bias, ReLU, max and average pooling and the
    # global average, with parameters drawn as 0.5*randn.
    conv = torch.nn.Conv2d(2, 4, 3, padding=1).to(dt)
    with torch.no_grad():
        conv.weight.copy_(0.5 * rand(4, 2, 3, 3))
        conv.bias.copy_(0.5 * rand(4))
    x = rand(2, 2, 6, 6).requires_grad_()
    h = F.max_pool2d(torch.relu(conv(x)), 2)
    h = F.avg_pool2d(h, 3, stride=1, padding=1)
    out = F.adaptive_avg_pool2d(h, 1).flatten(1)
    record("conv_layers", x, out, {})
    tensors["conv_layers.w"] = tensors["conv_layers.r"]
    tensors["conv_layers.param.conv.weight"] = conv.weight.detach()
    tensors["conv_layers.param.conv.bias"] = conv.bias.detach()
    tensors["conv_layers.grad.conv.weight"] = conv.weight.grad
    tensors["conv_layers.grad.conv.bias"] = conv.bias.grad

    write_safetensors(os.path.join(HERE, "conv_f64.safetensors"), tensors, meta)


if __name__ == "__main__":
    main()
