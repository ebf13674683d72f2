#!/usr/bin/python3
"""Write the PyTorch reference values that nncc's parity tests compare against.

Run from anywhere with Debian's PyTorch (package python3-torch):

    /usr/bin/python3 testdata/torch/generate.py            # write the files
    /usr/bin/python3 testdata/torch/generate.py --check    # parse and summarize them

Every file is in the safetensors layout, written here with struct and json only.
A file starts with an 8-byte little-endian header length and a JSON header with sorted
keys, padded with spaces to a multiple of 8 bytes. The raw little-endian tensor data
follows in header order with no gaps. The --check mode needs only the standard library.

README.md beside this script lists every file and tensor.
"""

import argparse
import array
import hashlib
import json
import math
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

STEPS = 5

# Seeds per model. The init seed goes to torch's global generator right before the
# model is built, and the data seed to a private torch.Generator.
SEEDS = {
    "binary": {"init": 1001, "data": 2001},
    "mnist": {"init": 1002, "data": 2002},
}

MODELS = {
    "binary": {
        "features": 10,
        "hidden": 10,
        "outputs": 1,
        "activation": "sigmoid",
        "batch": 16,
        "loss": "BCEWithLogitsLoss(reduction=mean)",
        "lr": 0.1,
    },
    "mnist": {
        "features": 784,
        "hidden": 128,
        "outputs": 10,
        "activation": "relu",
        "batch": 8,
        "loss": "CrossEntropyLoss(reduction=mean)",
        "lr": 0.05,
    },
}

OPTIMIZERS = ("sgd", "momentum", "adam")
DTYPES = ("f32", "f64")
PARAMS = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")

# safetensors dtype name -> (struct/array code, item size)
ST_DTYPES = {"F32": ("f", 4), "F64": ("d", 8), "I32": ("i", 4), "I64": ("q", 8)}


# ---------------------------------------------------------------------------
# safetensors writing (needs numpy, which python3-torch depends on)


def _st_dtype(t):
    import torch

    names = {
        torch.float32: "F32",
        torch.float64: "F64",
        torch.int32: "I32",
        torch.int64: "I64",
    }
    if t.dtype not in names:
        raise ValueError("unsupported dtype %s: use float32, float64, int32 or int64"
                         % t.dtype)
    return names[t.dtype]


def _tensor_bytes(t):
    code = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "I64": "<i8"}[_st_dtype(t)]
    return t.detach().cpu().contiguous().numpy().astype(code, copy=False).tobytes()


def write_safetensors(path, tensors, metadata):
    """Write tensors (name -> torch.Tensor) and metadata (str -> str) to path."""
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name]
        data = _tensor_bytes(t)
        header[name] = {
            "dtype": _st_dtype(t),
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------
# models and training


def torch_version():
    import torch

    return torch.__version__


def debian_version():
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "python3-torch"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def build_model(name):
    """Return the model in float32, initialized by PyTorch's defaults under a fixed seed."""
    import torch
    from torch import nn

    spec = MODELS[name]

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(spec["features"], spec["hidden"])
            self.fc2 = nn.Linear(spec["hidden"], spec["outputs"])

        def forward(self, x):
            h = self.fc1(x)
            h = torch.sigmoid(h) if spec["activation"] == "sigmoid" else torch.relu(h)
            return self.fc2(h)

    torch.manual_seed(SEEDS[name]["init"])
    return Net()


def make_data(name):
    """Return (x, y) in float32 / int32 for all steps, shaped [STEPS, B, ...]."""
    import torch

    spec = MODELS[name]
    g = torch.Generator().manual_seed(SEEDS[name]["data"])
    shape = (STEPS, spec["batch"], spec["features"])
    if name == "binary":
        x = torch.rand(shape, generator=g, dtype=torch.float32) * 2 - 1
        score = x[..., 0] + x[..., 1] * x[..., 2] - 0.5 * x[..., 3]
        y = (score > 0).to(torch.float32).unsqueeze(-1)
    else:
        x = torch.rand(shape, generator=g, dtype=torch.float32)
        y = torch.randint(0, 10, (STEPS, spec["batch"]), generator=g).to(torch.int32)
    return x, y


def make_optimizer(kind, params, lr):
    import torch

    if kind == "sgd":
        opt = torch.optim.SGD(params, lr=lr, momentum=0.0, weight_decay=0.0)
        hyper = {"lr": lr, "momentum": 0.0, "weight_decay": 0.0, "dampening": 0.0,
                 "nesterov": "false"}
    elif kind == "momentum":
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=1e-4)
        hyper = {"lr": lr, "momentum": 0.9, "weight_decay": 1e-4, "dampening": 0.0,
                 "nesterov": "false"}
    else:
        opt = torch.optim.Adam(params, lr=0.01, betas=(0.9, 0.999), eps=1e-8,
                               weight_decay=0.0)
        hyper = {"lr": 0.01, "betas": "0.9,0.999", "eps": 1e-8, "weight_decay": 0.0,
                 "amsgrad": "false"}
    return opt, {k: repr(v) if isinstance(v, float) else v for k, v in hyper.items()}


def loss_fn(name, logits, y):
    from torch.nn import functional as F

    if name == "binary":
        return F.binary_cross_entropy_with_logits(logits, y, reduction="mean")
    return F.cross_entropy(logits, y.long(), reduction="mean")


def run_case(name, kind, dt, init_state, x32, y32):
    """Train one model/optimizer/dtype case and return its tensors and metadata."""
    import torch

    dtype = torch.float64 if dt == "f64" else torch.float32
    model = build_model(name)
    model.load_state_dict(init_state)
    model.to(dtype)
    x = x32.to(dtype)
    y = y32.to(dtype) if name == "binary" else y32
    spec = MODELS[name]
    opt, hyper = make_optimizer(kind, list(model.parameters()), spec["lr"])
    named = dict(model.named_parameters())

    out = {"x": x, "y": y}
    for p in PARAMS:
        out["init." + p] = named[p].detach().clone()
    losses = []
    for step in range(STEPS):
        opt.zero_grad(set_to_none=True)
        logits = model(x[step])
        loss = loss_fn(name, logits, y[step])
        loss.backward()
        losses.append(loss.detach().clone())
        if step == 0:
            out["logits0"] = logits.detach().clone()
            for p in PARAMS:
                out["grad." + p] = named[p].grad.detach().clone()
        opt.step()
    out["loss"] = torch.stack(losses)
    for p in PARAMS:
        out["final." + p] = named[p].detach().clone()

    meta = {
        "model": name,
        "architecture": "Linear(%d,%d)-%s-Linear(%d,%d)" % (
            spec["features"], spec["hidden"], spec["activation"],
            spec["hidden"], spec["outputs"]),
        "loss": spec["loss"],
        "optimizer": "Adam" if kind == "adam" else "SGD",
        "case": kind,
        "dtype": dt,
        "steps": str(STEPS),
        "batch": str(spec["batch"]),
        "init_seed": str(SEEDS[name]["init"]),
        "data_seed": str(SEEDS[name]["data"]),
        "torch_version": torch_version(),
        "torch_package": debian_version(),
    }
    meta.update(hyper)
    return out, meta


def generate_training():
    for name in MODELS:
        init_state = {k: v.detach().clone() for k, v in build_model(name).state_dict().items()}
        x32, y32 = make_data(name)
        for kind in OPTIMIZERS:
            for dt in DTYPES:
                tensors, meta = run_case(name, kind, dt, init_state, x32, y32)
                path = os.path.join(HERE, "%s_%s_%s.safetensors" % (name, kind, dt))
                write_safetensors(path, tensors, meta)


# ---------------------------------------------------------------------------
# numerically hard cases


def _ce_rows(m):
    logits = [
        [m, -m, 0.5 * m],
        [m, m, -m],
        [-m, 0.5 * m, -0.25 * m],
        [-0.5 * m, -m, m],
    ]
    return logits, [1, 0, 1, 0]


def hard_case_inputs():
    """Return case -> (function, inputs) with inputs as plain Python lists."""
    inf = float("inf")
    cases = {}
    for tag, m in (("1e4", 1e4), ("1e6", 1e6), ("1e8", 1e8)):
        cases["ce_" + tag] = ("cross_entropy",) + _ce_rows(m)
    cases["ce_tie"] = (
        "cross_entropy",
        [[1e4, 1e4, -1e4], [1e6, 1e6, -1e6], [1e8, 1e8, -1e8], [3.0, 3.0, -1e4]],
        [0, 1, 0, 1],
    )
    cases["bce_1e4"] = (
        "bce_with_logits",
        [[1e4], [1e4], [-1e4], [-1e4], [1e4], [-1e4]],
        [[1.0], [0.0], [1.0], [0.0], [1.0], [0.0]],
    )
    cases["logsoftmax_neginf"] = (
        "log_softmax_neginf",
        [[-inf, 0.5, 1.0, -2.0], [3.0, -inf, -inf, 1.0], [-inf, 0.0, 0.0, 0.0]],
        None,
    )
    equal = [[2.0] * 4, [0.0] * 4, [-1e4] * 4, [1e4] * 4, [1e30] * 4, [-1e30] * 4]
    upstream = [[1.0, -2.0, 3.0, 0.5]] * len(equal)
    cases["logsoftmax_equal"] = ("log_softmax", equal, upstream)
    cases["softmax_equal"] = ("softmax", equal, upstream)
    return cases


def eval_hard_case(kind, inputs, extra, dtype):
    """Return {field: tensor} for one hard case in one dtype."""
    import torch
    from torch.nn import functional as F

    x = torch.tensor(inputs, dtype=dtype, requires_grad=True)
    out = {"input": x}
    if kind == "cross_entropy":
        target = torch.tensor(extra, dtype=torch.int32)
        y = F.cross_entropy(x, target.long(), reduction="mean")
        y.backward()
        out.update(target=target, output=y.detach().reshape(1))
    elif kind == "bce_with_logits":
        target = torch.tensor(extra, dtype=dtype)
        y = F.binary_cross_entropy_with_logits(x, target, reduction="mean")
        y.backward()
        out.update(target=target, output=y.detach().reshape(1))
    else:
        fn = F.softmax if kind == "softmax" else F.log_softmax
        y = fn(x, dim=-1)
        if kind == "log_softmax_neginf":
            upstream = torch.isfinite(x.detach()).to(dtype)
        else:
            upstream = torch.tensor(extra, dtype=dtype)
        y.backward(upstream)
        out.update(output=y.detach(), grad_output=upstream)
    out["grad_input"] = x.grad.detach().clone()
    out["input"] = x.detach().clone()
    return out


def generate_hard_cases():
    import torch

    tensors = {}
    for case, (kind, inputs, extra) in hard_case_inputs().items():
        for dt, dtype in (("f32", torch.float32), ("f64", torch.float64)):
            for field, t in eval_hard_case(kind, inputs, extra, dtype).items():
                tensors["%s.%s.%s" % (case, field, dt)] = t
    meta = {
        "description": "PyTorch outputs and input gradients on numerically hard inputs",
        "reductions": "cross_entropy and bce_with_logits use reduction=mean",
        "softmax_dim": "-1",
        "torch_version": torch_version(),
        "torch_package": debian_version(),
    }
    write_safetensors(os.path.join(HERE, "hard_cases.safetensors"), tensors, meta)


# ---------------------------------------------------------------------------
# --check: parse every file with the standard library only


def read_safetensors(path):
    """Parse path and return (metadata, {name: (dtype, shape, values)}).

    Raises ValueError when the file is truncated, a dtype is unknown, or the data
    offsets leave gaps, overlap or disagree with the shapes.
    """
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError("%s: invalid file: shorter than the 8-byte header length" % path)
    (n,) = struct.unpack_from("<Q", blob, 0)
    if 8 + n > len(blob):
        raise ValueError("%s: invalid header length %d: file is %d bytes"
                         % (path, n, len(blob)))

    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    meta = header.pop("__metadata__", {})
    for k, v in meta.items():
        if not isinstance(v, str):
            raise ValueError("%s: invalid metadata %r: value is not a string" % (path, k))

    tensors = {}
    expect = 0
    for name in sorted(header, key=lambda k: header[k]["data_offsets"][0]):
        entry = header[name]
        dtype, shape, (begin, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in ST_DTYPES:
            raise ValueError("%s: %s has invalid dtype %s" % (path, name, dtype))
        code, size = ST_DTYPES[dtype]
        count = 1
        for d in shape:
            count *= d
        if begin != expect or end - begin != count * size:
            raise ValueError("%s: %s has invalid offsets [%d,%d], expected [%d,%d]"
                             % (path, name, begin, end, expect, expect + count * size))
        values = array.array(code)
        values.frombytes(data[begin:end])
        if sys.byteorder != "little":
            values.byteswap()
        tensors[name] = (dtype, shape, values)
        expect = end

    if expect != len(data):
        raise ValueError("%s: data section is %d bytes, tensors cover %d"
                         % (path, len(data), expect))
    return meta, tensors


def _fmt(v):
    return "%.9g" % v


def check():
    names = sorted(f for f in os.listdir(HERE) if f.endswith(".safetensors"))
    want = ["%s_%s_%s.safetensors" % (m, o, d)
            for m in MODELS for o in OPTIMIZERS for d in DTYPES] + ["hard_cases.safetensors"]
    missing = sorted(set(want) - set(names))
    if missing:
        raise SystemExit("missing files: %s; run generate.py with /usr/bin/python3 "
                         "to regenerate them" % ", ".join(missing))
    total = 0
    for fname in names:
        path = os.path.join(HERE, fname)
        meta, tensors = read_safetensors(path)
        size = os.path.getsize(path)
        total += size
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()[:16]
        nan = [k for k, (_, _, v) in tensors.items()
               if any(isinstance(e, float) and math.isnan(e) for e in v)]
        print("%-32s %9d bytes  %3d tensors  sha256 %s" % (fname, size, len(tensors), digest))
        if nan:
            raise SystemExit("%s: NaN in %s" % (fname, ", ".join(nan)))
        if "loss" in tensors:
            _, shape, v = tensors["loss"]
            if shape != [STEPS]:
                raise SystemExit("%s: invalid loss shape %s, expected [%d]"
                                 % (fname, shape, STEPS))
            print("    loss: " + " ".join(_fmt(e) for e in v))
        else:
            for k in sorted(tensors):
                if k.split(".")[1] == "output" and tensors[k][1] == [1]:
                    print("    %-28s %s" % (k, _fmt(tensors[k][2][0])))
    print("total %d bytes in %d files" % (total, len(names)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="parse every file, validate offsets and print a summary")
    args = parser.parse_args()
    if args.check:
        check()
        return
    import torch

    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    generate_training()
    generate_hard_cases()
    check()


if __name__ == "__main__":
    main()
