#!/usr/bin/env bash
# Trains the same seeded L1RA run with two builds of `l1ra` and compares what they wrote: metrics.jsonl and
# ranks.jsonl byte for byte once the wall-clock fields are taken out, the resolved config.json and every checkpoint's
# adapter weights byte for byte.
# For refactorings that must not change behaviour (docs/architecture.md).
#   tests/tools/same-run-records.sh OLD_L1RA NEW_L1RA [WORK_DIR]
# With DEMO=1 the embedded demo's L1RA run (demo/demo-run.json, prepared by NEW_L1RA) is compared too.
set -euo pipefail
old=${1:?usage: same-run-records.sh OLD_L1RA NEW_L1RA [WORK_DIR]}
new=${2:?usage: same-run-records.sh OLD_L1RA NEW_L1RA [WORK_DIR]}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${3:-$(mktemp -d)}
mkdir -p "$work"

# Rank moves every 5 steps, dropout, evaluation, a checkpoint mid-run: every path a step can take.
settings=(--set "model=$root/tests/data/tiny-llama" --set "data.train=$root/tests/data/tiny-text.txt"
          --set train.steps=40 --set train.seq_len=64 --set adapter.rank=4 --set adapter.dropout=0.1
          --set l1ra.eta_c=0.1 --set l1ra.lambda=0.5 --set l1ra.update_interval=5 --set train.lr=0.01
          --set eval.every=10 --set checkpoint.every=20 --set seed=7 --set threads=1)

# Fields that measure time or memory, not what was learnt.
strip_timing() {
  sed -E 's/"(tokens_per_s|step_s|elapsed_s|eta_s|memory_bytes|wall_s|seconds)":[^,}]*,?//g; s/,}/}/g' "$1"
}

status=0
# compare NAME: the two runs in $work/old-NAME and $work/new-NAME.
compare() {
  local name=$1
  for file in config.json metrics.jsonl ranks.jsonl; do
    if cmp -s <(strip_timing "$work/old-$name/$file") <(strip_timing "$work/new-$name/$file"); then
      echo "$name $file: identical ($(wc -l < "$work/new-$name/$file") lines)"
    else
      echo "$name $file: DIFFERENT"; status=1
    fi
  done
  while IFS= read -r -d '' tensor; do
    rel=${tensor#"$work/new-$name/"}
    if cmp -s "$tensor" "$work/old-$name/$rel"; then
      echo "$name $rel: identical"
    else
      echo "$name $rel: DIFFERENT"; status=1
    fi
  done < <(find "$work/new-$name" -name '*.safetensors' -print0 | sort -z)
}

for precision in f32 bf16; do
  for side in old new; do
    bin=${!side}
    rm -rf "$work/$side-$precision"
    "$bin" train --out "$work/$side-$precision" "${settings[@]}" --set "train.precision=$precision" > "$work/$side-$precision.log"
  done
  compare "$precision"
done

if [ "${DEMO:-0}" = 1 ]; then
  "$new" demo prepare --out "$work/demo" > /dev/null
  for side in old new; do
    bin=${!side}
    rm -rf "$work/$side-demo"
    "$bin" train --config "$work/demo/demo-run.json" --out "$work/$side-demo" > "$work/$side-demo.log"
  done
  compare demo
fi
exit $status
