#!/usr/bin/env bash
# The demo study: L1RA against LoRA at the same rank budget on the demo task, three seeds each, with the
# committed demo run configs (docs/demo.md). Writes into docs/study/:
#   results.md             l1ra compare over the six runs (per run, mean ± sd per method, mean rank per projection)
#   base-eval.json         the base model without an adapter on the same validation split (the starting point)
#   machine.txt            where and when it ran (CPU, cores, commit)
#   l1ra-ranks-seedN.png   the final rank map of each L1RA run, exported by the studio (Export → Heatmap image)
#
#   docs/study/run-study.sh [--build DIR] [--runs DIR] [--seeds "1 2 3"]
#
# Needs a built tree (packaging/build.sh) and xvfb-run for the heatmap images. The runs are kept in --runs
# (default: a temporary folder that is removed afterwards). About 10 minutes on two cores; run it on a quiet
# machine, since wall time is one of the figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build"
runs=""
seeds="1 2 3"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--runs DIR] [--seeds \"1 2 3\"]" >&2; exit 2 ;;
  esac
done
l1ra="$build/bin/l1ra"
studio="$build/bin/l1ra-studio"
for exe in "$l1ra" "$studio"; do
  [[ -x "$exe" ]] || { echo "run-study: $exe not found: build first (packaging/build.sh)" >&2; exit 1; }
done
command -v xvfb-run >/dev/null || { echo "run-study: xvfb-run not found (apt-get install xvfb xauth)" >&2; exit 1; }

if [[ -z "$runs" ]]; then
  runs=$(mktemp -d)
  trap 'rm -rf "$runs"' EXIT
fi
mkdir -p "$runs"
out="$root/docs/study"

"$l1ra" demo prepare --out "$runs/demo" >/dev/null
"$l1ra" eval --model "$runs/demo/model" --data "$runs/demo/data/task_val.jsonl" --seq-len 128 --json |
  sed "s|$runs/|STUDY_RUNS/|g" >"$out/base-eval.json"

# Six runs, one after the other (never two at once: wall time is measured).
for seed in $seeds; do
  for method in l1ra lora; do
    config="$runs/demo/demo-run.json"
    [[ $method == lora ]] && config="$runs/demo/demo-lora.json"
    dir="$runs/$method-seed$seed"
    rm -rf "$dir"
    echo "run-study: $method, seed $seed"
    "$l1ra" train --config "$config" --set seed="$seed" --out "$dir" --json >"$runs/$method-seed$seed.events.jsonl"
  done
done

l1ra_runs=()
lora_runs=()
for seed in $seeds; do
  l1ra_runs+=("$runs/l1ra-seed$seed")
  lora_runs+=("$runs/lora-seed$seed")
done
"$l1ra" compare "${l1ra_runs[@]}" "${lora_runs[@]}" >"$out/results.md"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores: $(nproc)"
  echo "seeds: $seeds"
} >"$out/machine.txt"

# The final rank maps, through the studio's own Export menu, on a virtual display with throwaway settings.
session="$runs/heatmaps.txt"
{
  echo "timeout 300"
  echo "resize 1400 900"
  for seed in $seeds; do
    echo "open-run $runs/l1ra-seed$seed"
    echo "page runs"
    echo "timeline end"
    echo "export heatmap $out/l1ra-ranks-seed$seed.png"
  done
  echo "quit"
} >"$session"
HOME="$runs/home" XDG_CONFIG_HOME="$runs/home/config" XDG_DATA_HOME="$runs/home/data" \
  xvfb-run -a "$studio" --runs-dir "$runs" --script "$session"

cat "$out/results.md"
echo "run-study: wrote $out/results.md, $out/machine.txt and the heatmaps"
