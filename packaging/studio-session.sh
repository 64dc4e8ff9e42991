#!/usr/bin/env bash
# A scripted studio session on a virtual display (xvfb-run): trains a LoRA baseline and then L1RA on the fixture
# model, live; changes λ and the rank budget mid-run (and waits until the engine applied them); takes the
# screenshot docs/images/studio.png while L1RA trains; exports the peft adapter through the Export menu once it
# has finished and checks that it loads with `l1ra eval --adapter`; screenshots the run explorer on the exported
# adapter (studio-runs.png) and the comparison of the two runs (studio-compare.png).
#
#   packaging/studio-session.sh [--build DIR] [--images DIR] [--theme dark|light]
#
# Needs a built tree (packaging/build.sh, or --build DIR for another build folder) and xvfb-run.
# Settings and runs go to a temporary folder: the user's own are not touched.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build"
images="$root/docs/images"
theme=dark
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --images) images="$2"; shift 2 ;;
    --theme) theme="$2"; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--images DIR] [--theme dark|light]" >&2; exit 2 ;;
  esac
done
studio="$build/bin/l1ra-studio"
cli="$build/bin/l1ra"
for exe in "$studio" "$cli"; do
  [[ -x "$exe" ]] || { echo "studio-session: $exe not found: build first (packaging/build.sh)" >&2; exit 1; }
done
command -v xvfb-run >/dev/null || { echo "studio-session: xvfb-run not found (apt-get install xvfb xauth)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$images"
model="$root/tests/data/tiny-llama"
data="$root/tests/data/tiny-text.txt"

# L1RA at the fixture's scale (DESIGN.md section 1): gates cross the threshold within tens of steps.
cat > "$work/run.json" <<EOF
{
  "name": "tiny-llama L1RA",
  "model": "$model",
  "data": {"train": "$data"},
  "adapter": {"rank": 8},
  "l1ra": {"lambda": 0.5, "eta_c": 0.1, "update_interval": 10},
  "train": {"steps": 240, "seq_len": 64, "batch_size": 4, "lr": 0.01},
  "eval": {"every": 40}
}
EOF

cat > "$work/session.txt" <<EOF
timeout 600
# A plain LoRA run first, at the same rank: the baseline the comparison at the end measures L1RA against.
echo training the LoRA baseline
config $work/run.json
set name "tiny-llama LoRA"
set method "lora"
start
wait-finished
# The live view while L1RA trains, with one λ change and one budget change applied.
echo training with L1RA
config $work/run.json
start
wait-step 60
lambda 0.8
wait-applied lambda
wait-step 100
budget 120
wait-applied budget
wait-step 190
screenshot $images/studio.png
wait-finished
echo exporting the peft adapter through the Export menu
export adapter $work/peft
# The exported adapter carries its run record: the explorer shows its rank history.
open-run $work/peft
timeline 8
wait 2000
screenshot $images/studio-runs.png
# Where L1RA put the rank that LoRA spreads evenly.
compare-newest
wait 500
screenshot $images/studio-compare.png
quit
EOF

echo "studio-session: running the studio on a virtual display"
XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" L1RA_RUNS_DIR="$work/runs" L1RA_STUDIO_THEME="$theme" \
  xvfb-run -a -s "-screen 0 1600x1000x24" "$studio" --script "$work/session.txt"

echo "studio-session: the exported adapter with l1ra eval"
"$cli" eval --model "$model" --adapter "$work/peft" --data "$data" --seq-len 64 --max-batches 2
echo "studio-session: screenshots in $images (studio.png, studio-runs.png, studio-compare.png)"
