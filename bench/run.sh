#!/usr/bin/env bash
# run.sh compiles the benchmark models with nncc into bench/gen (a separate Go
# module, so `go test ./...` at the repository root does not build it) and runs their
# Go benchmarks. Extra arguments go to `go test`, e.g. -count 5 or -benchtime 2s.
#
#   bash bench/run.sh [go test flags...]
#
# NNCC_SRC names another nncc source tree to compile the models with and link
# against, for example a `git archive` of an older commit; the default is this
# repository. The benchmark code and bench/models always come from this one.
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "${NNCC_SRC:-$(dirname "$bench")}" && pwd)
gen=$bench/gen

# name and model file of each benchmark package
models=(
  "mnist   $root/examples/mnist/mnist.nnc"
  "binary  $root/examples/binary/binary.nnc"
  "lenet   $root/examples/lenet/lenet.nnc"
  "charlm  $root/examples/charlm/charlm.nnc"
  "mlp512  $bench/models/mlp512.nnc"
  "lenetsgd $bench/models/lenet_sgd.nnc"
)

rm -rf "$gen"
mkdir -p "$gen/sgemm"
cat > "$gen/go.mod" <<MOD
module nnccbench

go 1.26

require github.com/nncc/nncc v0.0.0

replace github.com/nncc/nncc => $root
MOD
cp "$root/go.sum" "$gen/go.sum"
(cd "$root" && go build -o "$gen/nncc" ./cmd/nncc)

pkgs=(./sgemm)
cp "$bench/sgemm_bench_test.go.tmpl" "$gen/sgemm/sgemm_bench_test.go"
for entry in "${models[@]}"; do
  read -r name file <<<"$entry"
  "$gen/nncc" compile "$file" -o "$gen/$name" -pkg "$name"
  sed "s/^package PKG\$/package $name/" "$bench/model_bench_test.go.tmpl" \
    >"$gen/$name/bench_test.go"
  pkgs+=("./$name")
done

cd "$gen"
export GOWORK=off GOFLAGS=-mod=mod
go test -run TestNoAllocs -bench . "$@" "${pkgs[@]}"
