#!/usr/bin/env bash
# compare.sh runs the nncc benchmarks (run.sh), then the PyTorch ones
# (torch_bench.py). It prints the median time per operation of each, per model
# and benchmark, and the ratio nncc speed / PyTorch speed. That ratio is PyTorch's
# time divided by nncc's, so above 1 means nncc is faster. Each side runs with 1
# and with 2 threads, and each figure is set against the other side's at the same
# thread count. For Go that is -cpu 1,2, which sets GOMAXPROCS and so the size of
# the runtime's worker pool; for PyTorch, its own and OpenBLAS's thread counts.
#
#   bash bench/compare.sh [-count N]     # N repetitions of each Go benchmark (default 5)
#
# PYTHON names the Python with torch (default /usr/bin/python3).
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
count=5
if [[ ${1:-} == -count ]]; then count=$2; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

bash "$bench/run.sh" -cpu 1,2 -count "$count" -benchtime 300ms | tee "$out/go.txt" >&2
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${PYTHON:-/usr/bin/python3}" \
  "$bench/torch_bench.py" --reps "$count" | tee "$out/torch.txt" >&2

"${PYTHON:-/usr/bin/python3}" - "$out/go.txt" "$out/torch.txt" <<'PY'
import collections, statistics, sys

go = collections.defaultdict(list)
pkg = None
for line in open(sys.argv[1]):
    f = line.split()
    if line.startswith("pkg: "):
        pkg = f[1].split("/")[-1]
    elif line.startswith("Benchmark") and "ns/op" in f:
        # go test names a benchmark run with GOMAXPROCS=k above 1 "Name-k".
        name, _, procs = f[0][len("Benchmark"):].partition("-")
        go[(pkg, name, procs or "1")].append(float(f[f.index("ns/op") - 1]))
torch = {}
for line in open(sys.argv[2]):
    f = line.split()
    if f and f[0] == "torch":
        torch[(f[1], f[2], f[3])] = float(f[4])

def fmt(ns):
    return f"{ns / 1e3:.1f}"

print(f"{'model':9} {'benchmark':13} {'nncc1 us':>10} {'torch1 us':>10} {'x (1t)':>7} "
      f"{'nncc2 us':>10} {'torch2 us':>10} {'x (2t)':>7}")
rows = sorted({(m, n) for (m, n, _) in go}, key=list(dict.fromkeys((m, n) for (m, n, _) in go)).index)
for model, name in rows:
    row = f"{model:9} {name:13}"
    for t in ("1", "2"):
        times = go.get((model, name, t))
        n = statistics.median(times) if times else None
        ref = torch.get((model, name, t))
        row += f" {fmt(n):>10}" if n else f" {'-':>10}"
        row += f" {fmt(ref):>10} {ref / n:7.2f}" if ref and n else f" {'-':>10} {'-':>7}"
    print(row)
PY
