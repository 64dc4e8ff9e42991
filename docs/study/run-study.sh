#!/usr/bin/env bash
# The demo study: L1RA against LoRA at the same rank budget and the same steps on the demo task, three seeds
# each, and every L1RA configuration tried on the way to the demo preset. Writes into docs/study/:
#   results.md             l1ra compare over the shipped demo preset and LoRA (per run, mean ± sd, ranks, churn)
#   configurations.md      l1ra compare over every configuration tried (its "By configuration" table is the study's)
#   sweep-eta_c.md         the η_c sweep (l1ra sweep), and sweep-eta_c.png, the studio's Compare → Sweep page on it
#   base-eval.json         the base model without an adapter on the same validation split (the starting point)
#   machine.txt            where and when it ran (CPU, cores, commit)
#   l1ra-ranks-seedN.png   the final rank map of each run of the demo preset, exported by the studio
#
#   docs/study/run-study.sh [--build DIR] [--runs DIR] [--seeds "1 2 3"] [--jobs N] [--main-only]
#
# Every run uses one thread (`threads` 1), so that results are the same whatever --jobs is (runs are
# deterministic for a seed and a thread count); --jobs N trains N runs at a time. A run folder that already
# holds a finished run of the same config (checked with `l1ra config --check`) is kept, so an interrupted study
# continues where it stopped when given the same --runs. The whole study is ~130 runs of 400 steps and six of
# 2,000: about an hour with --jobs 2 on the two-core machine of machine.txt (a 400-step run took 35-40 s there;
# the same runs took 260-370 s on the busier host of the study's first version); --main-only runs the preset
# and LoRA alone (six runs).
# Needs a built tree (packaging/build.sh) and xvfb-run for the images.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build"
runs=""
seeds="1 2 3"
jobs=1
main_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --main-only) main_only=1; shift ;;
    *) echo "usage: $0 [--build DIR] [--runs DIR] [--seeds \"1 2 3\"] [--jobs N] [--main-only]" >&2; exit 2 ;;
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
runs=$(cd "$runs" && pwd)
out="$root/docs/study"
base="$runs/demo/demo-lora.json"   # every configuration starts from the demo's LoRA run config

"$l1ra" demo prepare --out "$runs/demo" >/dev/null
"$l1ra" eval --model "$runs/demo/model" --data "$runs/demo/data/task_val.jsonl" --seq-len 128 --json |
  sed "s|$runs/|STUDY_RUNS/|g" >"$out/base-eval.json"

# The previous demo preset, with every L1RA key a configuration below may change spelled out, so that the
# configurations do not move when the demo preset does.
old="method=l1ra l1ra.lambda=0.1 l1ra.eta_c=0.1 l1ra.update_interval=25 l1ra.warmup_share=0 l1ra.cooldown_share=0 \
     l1ra.cooldown_shrink=false l1ra.max_move_share=1 l1ra.new_rank_init=fresh"
# The same at η_c 0.02 (the η_c sweep's finding).
e2="$old l1ra.eta_c=0.02"
reference="l1ra.threshold_rule=lr l1ra.update_interval=0 l1ra.interval_share=0.1"

# name|assignments on top of $base. The demo preset itself is "preset" (no assignments on top of demo-run.json).
configs=(
  "lora|"
  "lora-rank=4|adapter.rank=4 adapter.alpha=8"
  "lora-rank=16|adapter.rank=16 adapter.alpha=32"
  "previous-preset|$old"
  "lambda=0|$old l1ra.lambda=0"
  "lambda=0,eta_c=0|$old l1ra.lambda=0 l1ra.eta_c=0"
  "lambda=0.01|$old l1ra.lambda=0.01"
  "lambda=0.03|$old l1ra.lambda=0.03"
  "reference-threshold+interval|$old $reference"
  "previous+cap=0.05|$old l1ra.max_move_share=0.05"
  "previous+warmup=0.25|$old l1ra.warmup_share=0.25"
  "previous+cooldown=0.2|$old l1ra.cooldown_share=0.2"
  "previous+cooldown=0.2+shrink|$old l1ra.cooldown_share=0.2 l1ra.cooldown_shrink=true"
  "previous+donor|$old l1ra.new_rank_init=donor"
  "eta_c=0.01,lambda=0.3|$old l1ra.eta_c=0.01 l1ra.lambda=0.3"
  "eta_c=0.01,lambda=0.5|$old l1ra.eta_c=0.01 l1ra.lambda=0.5"
  "eta_c=0.02,lambda=0.3|$e2 l1ra.lambda=0.3"
  "eta_c=0.02,lambda=0.5|$e2 l1ra.lambda=0.5"
  "eta_c=0.03,lambda=0.3|$old l1ra.eta_c=0.03 l1ra.lambda=0.3"
  "eta_c=0.02+cooldown=0.2|$e2 l1ra.cooldown_share=0.2"
  "eta_c=0.02+cap=0.05|$e2 l1ra.max_move_share=0.05"
  "eta_c=0.02,lambda=0.3+cooldown=0.5|$e2 l1ra.lambda=0.3 l1ra.cooldown_share=0.5"
  "eta_c=0.02,lambda=0.5+warmup=0.25+cooldown=0.5|$e2 l1ra.lambda=0.5 l1ra.warmup_share=0.25 l1ra.cooldown_share=0.5"
  "eta_c=0.02,lambda=0.3+cap=0.05+cooldown=0.2|$e2 l1ra.lambda=0.3 l1ra.max_move_share=0.05 l1ra.cooldown_share=0.2"
  "eta_c=0.02,lambda=0.3+donor|$e2 l1ra.lambda=0.3 l1ra.new_rank_init=donor"
  "eta_c=0.015|$old l1ra.eta_c=0.015"
  "eta_c=0.015+cooldown=0.2|$old l1ra.eta_c=0.015 l1ra.cooldown_share=0.2"
  "eta_c=0.01,lambda=0.2|$old l1ra.eta_c=0.01 l1ra.lambda=0.2"
  "eta_c=0.02+interval=50|$e2 l1ra.update_interval=50"
  "lora-2000-steps|train.steps=2000"
  "preset-2000-steps|$e2 l1ra.update_interval=0 train.steps=2000"
)
main=("preset|" "lora|")   # the comparison in results.md
if [[ $main_only == 1 ]]; then configs=("lora|"); fi

# The resolved config a run of (assignments, seed) gets, name left out (the preset's and LoRA's names differ).
resolved() {   # config-file seed assignments...
  local file=$1 seed=$2; shift 2
  local sets=(--set threads=1 --set "seed=$seed" --set name=)
  for kv in "$@"; do sets+=(--set "$kv"); done
  "$l1ra" config --check "$file" "${sets[@]}"
}

# One run, unless its folder already holds the same run finished.
train_one() {   # name config-file seed assignments...
  local name=$1 file=$2 seed=$3; shift 3
  local dir="$runs/$name-seed$seed"
  if [[ -f "$dir/summary.json" ]] && grep -q '"state": "finished"' "$dir/summary.json" &&
     [[ "$("$l1ra" config --check "$dir/config.json" --set name=)" == "$(resolved "$file" "$seed" "$@")" ]]; then
    return 0
  fi
  rm -rf "$dir"
  local sets=(--set threads=1 --set "seed=$seed")
  for kv in "$@"; do sets+=(--set "$kv"); done
  echo "run-study: $name, seed $seed"
  "$l1ra" train --config "$file" "${sets[@]}" --out "$dir" --json >"$dir.events.jsonl" 2>"$dir.err" ||
    echo "run-study: $name, seed $seed failed (see $dir.err)" >&2
}

# At most $jobs runs at a time.
throttle() { while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done; }

for seed in $seeds; do
  throttle; train_one preset "$runs/demo/demo-run.json" "$seed" &
  for entry in "${configs[@]}"; do
    name=${entry%%|*}
    read -r -a sets <<<"${entry#*|}"
    throttle; train_one "$name" "$base" "$seed" "${sets[@]}" &
  done
done
wait

dirs_of() { for seed in $seeds; do echo "$runs/$1-seed$seed"; done; }
main_dirs=()
for entry in "${main[@]}"; do mapfile -t -O "${#main_dirs[@]}" main_dirs < <(dirs_of "${entry%%|*}"); done
"$l1ra" compare "${main_dirs[@]}" | sed "s|$runs/|STUDY_RUNS/|g" >"$out/results.md"

if [[ $main_only == 0 ]]; then
  # The η_c sweep through `l1ra sweep` (the studio opens its folder); its runs join the configurations table.
  sweep_sets=()
  for kv in $old; do sweep_sets+=(--set "$kv"); done
  seed_list=$(echo $seeds | tr ' ' ',')
  "$l1ra" sweep --config "$base" "${sweep_sets[@]}" --set threads=1 --grid l1ra.eta_c=0.01,0.02,0.03,0.05,0.1 \
    --seeds "$seed_list" --jobs "$jobs" --out "$runs/sweep-eta_c" >/dev/null
  "$l1ra" compare "$runs/sweep-eta_c" >"$out/sweep-eta_c.md"
  all_dirs=("${main_dirs[@]}")
  for entry in "${configs[@]}"; do
    name=${entry%%|*}
    [[ $name == lora ]] && continue
    mapfile -t -O "${#all_dirs[@]}" all_dirs < <(dirs_of "$name")
  done
  # η_c 0.02 and 0.1 are the preset and the previous preset, already in the table.
  for d in "$runs"/sweep-eta_c/eta_c=0.0[135]-seed*; do [[ -d $d ]] && all_dirs+=("$d"); done
  "$l1ra" compare "${all_dirs[@]}" | sed "s|$runs/|STUDY_RUNS/|g" >"$out/configurations.md"
fi

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores: $(nproc)"
  echo "seeds: $seeds"
  echo "threads per run: 1, runs at a time: $jobs"
} >"$out/machine.txt"

# The final rank maps and the sweep chart, through the studio, on a virtual display with throwaway settings.
session="$runs/studio-session.txt"
{
  echo "timeout 600"
  echo "resize 1400 900"
  for seed in $seeds; do
    echo "open-run $runs/preset-seed$seed"
    echo "page runs"
    echo "timeline end"
    echo "export heatmap $out/l1ra-ranks-seed$seed.png"
  done
  if [[ $main_only == 0 ]]; then
    echo "open-sweep $runs/sweep-eta_c"
    echo "screenshot $out/sweep-eta_c.png"
  fi
  echo "quit"
} >"$session"
HOME="$runs/home" XDG_CONFIG_HOME="$runs/home/config" XDG_DATA_HOME="$runs/home/data" \
  xvfb-run -a "$studio" --runs-dir "$runs" --script "$session"

cat "$out/results.md"
echo "run-study: wrote docs/study/ (results.md, configurations.md, sweep-eta_c.md, images, machine.txt)"
