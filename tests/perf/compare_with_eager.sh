#!/usr/bin/env bash
# Engine vs eager PyTorch on the same shapes, alternating runs so that both see the same machine state, and the
# ratios of their median tokens/s; and engine L1RA against LoRA with their steps interleaved in one process
# (l1ra bench --against), the median of the rounds' step-time ratios (docs/performance.md). Usage:
#   tests/perf/compare_with_eager.sh [ROUNDS] [extra l1ra bench / reference flags, e.g. --steps 20]
# Needs build/bin/l1ra and Debian's python3-torch (/usr/bin/python3; installed by
# L1RA_WITH_PYTHON_REFERENCE=1 packaging/install-deps.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-3}
shift || true
l1ra=${L1RA_BIN:-$root/build/bin/l1ra}
python=/usr/bin/python3
shape=(--vocab 2048 --dim 256 --layers 4 --heads 8 --kv-heads 4 --ffn 688 --seq 256 --batch 8 --rank 8 --threads 2)
field() { "$python" -c "import json,sys; print(json.loads(sys.stdin.read())['$1'])"; }
declare -A results
for ((round = 1; round <= rounds; round++)); do
  for method in lora l1ra; do
    for precision in f32 bf16; do
      e=$("$l1ra" bench "${shape[@]}" --method "$method" --precision "$precision" --json "$@" | field tokens_per_s)
      r=$("$python" "$root/tests/perf/reference_train_step.py" "${shape[@]}" --method "$method" --precision "$precision" --json "$@" | field tokens_per_s)
      results[$method-$precision-engine]+="$e "
      results[$method-$precision-eager]+="$r "
      echo "round $round  $method $precision  engine $(printf %.0f "$e") tok/s  eager $(printf %.0f "$r") tok/s" >&2
    done
  done
  # L1RA against LoRA in one process, their steps interleaved: separate runs drift apart by more than the
  # difference being measured.
  s=$("$l1ra" bench "${shape[@]}" --method l1ra --against lora --precision bf16 --json "$@" | field step_ratio)
  results[l1ra-over-lora]+="$s "
  echo "round $round  engine L1RA / LoRA step time, bf16, interleaved: $(printf %.3f "$s")" >&2
done
ratio() { "$python" -c "print($1 / $2)"; }
median() { printf '%s\n' $1 | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "| method | precision | engine tok/s | eager tok/s | engine / eager |"
echo "|---|---|---|---|---|"
for method in lora l1ra; do
  for precision in f32 bf16; do
    e=$(median "${results[$method-$precision-engine]}")
    r=$(median "${results[$method-$precision-eager]}")
    printf '| %s | %s | %.0f | %.0f | %.2f |\n' "$method" "$precision" "$e" "$r" "$(ratio "$e" "$r")"
  done
done
eb=$(median "${results[l1ra-bf16-engine]}"); rb=$(median "${results[l1ra-bf16-eager]}")
printf '\nengine L1RA / eager fastest (bf16): %.2f;  engine L1RA / LoRA step time (bf16, interleaved in one process): %.3f\n' \
  "$(ratio "$eb" "$rb")" "$(median "${results[l1ra-over-lora]}")"
