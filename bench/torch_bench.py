"""Times the benchmark models of bench/run.sh in PyTorch on the CPU.

Each line of output is "torch MODEL BENCH THREADS NS_PER_OP", the median of
several repetitions. Lines starting with # name the PyTorch version, the BLAS
library the process loaded and the OpenBLAS core it runs. Where OpenBLAS would
fall back to a generic core without AVX2 on a processor that has AVX2 or AVX-512,
the script sets OPENBLAS_CORETYPE to Haswell or SkylakeX before it loads torch,
and says so. Run it with the Python that has torch, for example:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/torch_bench.py

The models, batch sizes and optimizers match the .nnc files that run.sh compiles.
"""

import argparse
import copy
import ctypes
import os
import statistics
import subprocess
import sys
import time

# OpenBLAS cores without AVX2, which it falls back to when it does not know the
# processor model, for example under some virtual machines.
GENERIC_CORES = {"Katmai", "Coppermine", "Northwood", "Prescott", "Banias", "Atom",
                 "Core2", "Penryn", "Dunnington", "Nehalem", "Sandybridge"}


def openblas_core():
    """Returns the core OpenBLAS picks in a fresh process, or None without it."""
    probe = ("import ctypes; l = ctypes.CDLL('libopenblas.so.0'); "
             "l.openblas_get_corename.restype = ctypes.c_char_p; "
             "print(l.openblas_get_corename().decode())")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    return r.stdout.strip() or None if r.returncode == 0 else None


def cpu_flags():
    """Returns the feature flags of the first processor in /proc/cpuinfo."""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def fit_openblas_core():
    """Sets OPENBLAS_CORETYPE, before torch loads OpenBLAS, when OpenBLAS would
    fall back to a generic core on a processor with AVX2 or AVX-512. Returns the
    line to print about the core. Timing PyTorch on OpenBLAS's SSE3 kernels would be as
    unfair as timing it on the reference BLAS."""
    if "OPENBLAS_CORETYPE" in os.environ:
        return f"# OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} set by the caller"
    core = openblas_core()
    if core not in GENERIC_CORES:
        return f"# openblas picked core {core}"
    flags = cpu_flags()
    if {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"} <= flags:
        fit = "SkylakeX"
    elif {"avx2", "fma"} <= flags:
        fit = "Haswell"
    else:
        return f"# openblas picked core {core}"
    os.environ["OPENBLAS_CORETYPE"] = fit
    return (f"# openblas picked the generic core {core} on a processor with "
            f"{'AVX-512' if fit == 'SkylakeX' else 'AVX2'}; set OPENBLAS_CORETYPE={fit}")


CORE_NOTE = fit_openblas_core()

import torch  # noqa: E402 (after OPENBLAS_CORETYPE is settled)
from torch import nn  # noqa: E402


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


class Normalized(nn.Module):
    """Applies (x - 0.1307) / 0.3081 before the network, as the lenet models do."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net((x - 0.1307) / 0.3081)


class CharLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(98, 16)
        self.lstm = nn.LSTM(16, 96, batch_first=True)
        self.head = nn.Linear(96, 98)

    def forward(self, ids):
        h, _ = self.lstm(self.embed(ids))
        return self.head(h[:, -1])


def classes(n, k):
    return torch.randint(0, k, (n,))


# name: (model, optimizer factory, batch, input of n samples, targets of n samples, loss)
MODELS = {
    "mnist": (lambda: nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)),
              lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9), 64,
              lambda n: torch.rand(n, 784), lambda n: classes(n, 10), nn.CrossEntropyLoss),
    "binary": (lambda: nn.Sequential(nn.Linear(10, 10), nn.Sigmoid(), nn.Linear(10, 1)),
               lambda p: torch.optim.Adam(p, lr=0.01), 32,
               lambda n: torch.rand(n, 10), lambda n: classes(n, 2).float().unsqueeze(1),
               nn.BCEWithLogitsLoss),
    "lenet": (lambda: Normalized(lenet()), lambda p: torch.optim.Adam(p, lr=1e-3), 32,
              lambda n: torch.rand(n, 1, 28, 28), lambda n: classes(n, 10), nn.CrossEntropyLoss),
    "charlm": (CharLM, lambda p: torch.optim.Adam(p, lr=3e-3), 64,
               lambda n: torch.randint(0, 98, (n, 16)), lambda n: classes(n, 98),
               nn.CrossEntropyLoss),
    "mlp512": (lambda: nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                                     nn.ReLU(), nn.Linear(512, 10)),
               lambda p: torch.optim.Adam(p, lr=1e-3), 128,
               lambda n: torch.rand(n, 784), lambda n: classes(n, 10), nn.CrossEntropyLoss),
    "lenetsgd": (lambda: Normalized(lenet()), lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9),
                 64, lambda n: torch.rand(n, 1, 28, 28), lambda n: classes(n, 10),
                 nn.CrossEntropyLoss),
}


# RESET_EVERY matches resetEvery in model_bench_test.go.tmpl: train steps start
# again from the initial model after this many, outside the timed loops, so that
# gradients and moments never decay into subnormal floats.
RESET_EVERY = 100


def timed(fn, iters, reset):
    """Returns the seconds that iters calls of fn take, with reset (when given)
    called untimed before every RESET_EVERY-th call."""
    total, done = 0.0, 0
    while done < iters:
        if reset is not None and done > 0:
            reset()
        n = iters - done if reset is None else min(RESET_EVERY, iters - done)
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        total += time.perf_counter() - t0
        done += n
    return total


def median_ns(fn, reps, target_s, reset=None):
    """Returns the median time of one call of fn in nanoseconds over reps repetitions
    of a loop sized to take about target_s seconds."""
    for _ in range(3):
        fn()
    iters = 1
    while True:
        dt = timed(fn, iters, reset)
        if dt >= target_s / 4:
            break
        iters *= 2
    iters = max(1, int(iters * target_s / dt))
    samples = []
    for _ in range(reps):
        samples.append(timed(fn, iters, reset) / iters * 1e9)
    return statistics.median(samples)


def bench_model(name, reps, target_s):
    make, make_opt, batch, inputs, targets, make_loss = MODELS[name]
    torch.manual_seed(1)
    model = make()
    opt = make_opt(model.parameters())
    loss_fn = make_loss()
    x, y = inputs(batch), targets(batch)
    x1 = x[:1].clone()

    def train():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    start_model = copy.deepcopy(model.state_dict())
    start_opt = copy.deepcopy(opt.state_dict())

    def reset():
        model.load_state_dict(start_model)
        opt.load_state_dict(start_opt)

    def predict(inp):
        with torch.inference_mode():
            model(inp)

    yield "TrainStep", median_ns(train, reps, target_s, reset)
    yield "PredictBatch", median_ns(lambda: predict(x), reps, target_s)
    yield "PredictOne", median_ns(lambda: predict(x1), reps, target_s)


def bench_sgemm(reps, target_s):
    for n in (256, 1024):
        a, b, c = torch.rand(n, n), torch.rand(n, n), torch.empty(n, n)
        yield f"SGEMM/{n}", median_ns(lambda: torch.mm(a, b, out=c), reps, target_s)


def loaded_blas():
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line or "mkl" in line}
    return sorted(libs)


def loaded_openblas():
    """Returns the OpenBLAS library this process loaded, or None."""
    for lib in loaded_blas():
        if "libopenblas" in lib:
            return ctypes.CDLL(lib)
    return None


def loaded_openblas_core():
    """Returns the core of the OpenBLAS this process loaded, or None."""
    blas = loaded_openblas()
    if blas is None:
        return None
    blas.openblas_get_corename.restype = ctypes.c_char_p
    return blas.openblas_get_corename().decode()


def set_blas_threads(threads):
    """Sets the thread count of a loaded OpenBLAS, which torch.set_num_threads does
    not reach when PyTorch was built against the generic BLAS interface, and returns
    the count OpenBLAS reports, or None without OpenBLAS."""
    blas = loaded_openblas()
    if blas is None:
        return None
    blas.openblas_set_num_threads(threads)
    return blas.openblas_get_num_threads()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--reps", type=int, default=5, help="repetitions per median")
    parser.add_argument("--time", type=float, default=0.2, help="seconds per repetition")
    parser.add_argument("models", nargs="*", default=list(MODELS) + ["sgemm"])
    args = parser.parse_args()

    print(f"# torch {torch.__version__}")
    print(CORE_NOTE)
    torch.mm(torch.rand(64, 64), torch.rand(64, 64))  # loads the BLAS library
    print(f"# blas {' '.join(loaded_blas()) or 'none found in /proc/self/maps'}")
    print(f"# openblas core in use: {loaded_openblas_core()}")
    for threads in (int(t) for t in args.threads.split(",")):
        torch.set_num_threads(threads)
        print(f"# threads {threads}: torch {torch.get_num_threads()}, "
              f"openblas {set_blas_threads(threads)}", flush=True)
        for name in args.models:
            results = (bench_sgemm(args.reps, args.time) if name == "sgemm"
                       else bench_model(name, args.reps, args.time))
            for bench, ns in results:
                print(f"torch {name} {bench} {threads} {ns:.0f}", flush=True)


if __name__ == "__main__":
    main()
