#!/usr/bin/env bash
# Data-parallel training under ThreadSanitizer, steered from outside as the studio does: two Gloo processes
# (`l1ra train --nproc 2`) get a new λ, a new budget, a checkpoint request, pause, resume and stop through
# `l1ra control`, then resume to the end. Run from the source folder after `cmake --build --preset tsan`.
# The ctest suites that launch processes cannot run under clang-14's TSan (docs/reliability.md), hence a script.
# Prints the number of reports; exit status 1 if there is any.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
l1ra="$root/build-tsan/bin/l1ra"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run="$work/run"
export TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$root/tests/sanitizers/tsan.supp:log_path=$work/report"
sets=()
for s in model="$root/tests/data/tiny-llama" data.train="$root/tests/data/tiny-text.txt" train.steps=${STEPS:-2000} train.batch_size=2 \
    train.seq_len=64 adapter.rank=4 adapter.dropout=0.1 l1ra.eta_c=0.1 l1ra.lambda=0.5 l1ra.update_interval=5 train.lr=0.01 \
    eval.every=10 train.precision=f32 checkpoint.every=5 threads=1; do
    sets+=(--set "$s")
done

"$l1ra" train --out "$run" "${sets[@]}" --nproc 2 > "$work/train.log" 2>&1 &
trainer=$!
sleep 12   # loading and the first steps
for command in "--lambda 0.2" "--budget 40" "--checkpoint" "--pause" "--resume" "--stop"; do
    # shellcheck disable=SC2086
    "$l1ra" control --run "$run" $command > /dev/null
    sleep 3
done
wait "$trainer" || true   # a stopped run exits non-zero
"$l1ra" resume --run "$run" --nproc 2 >> "$work/train.log" 2>&1 || { cat "$work/train.log"; exit 1; }

controls=$(grep -c '"type":"control"' "$run/events.jsonl" || true)
reports=$(cat "$work"/report.* 2>/dev/null | grep -c "WARNING: ThreadSanitizer" || true)
echo "control events applied: $controls; ThreadSanitizer reports: $reports"
if [ "$reports" -gt 0 ]; then
    cat "$work"/report.*
    exit 1
fi
