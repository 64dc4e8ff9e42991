#!/bin/sh
# Runs every fuzz target (or those named) under libFuzzer in turn (one process each, or -w), on a scratch
# copy of its seed corpus (build-fuzz/corpus), and prints executions and coverage per target. A target stops after
# SECONDS (default 600; no limit when only -n is given) or once it has run EXECUTIONS inputs (-n). Inputs grow up
# to BYTES (-l, default 65536): libFuzzer lengthens them over a run, and a small file format runs many times
# faster capped near its real sizes. With -w WORKERS, that many processes fuzz one target on one corpus folder
# (libFuzzer reloads it, so each sees what the others found) and share the EXECUTIONS between them; a finding stops
# only the process that made it (interrupt the script to stop the rest).
# Findings are written to build-fuzz/findings/<target>/; once fixed, add each to tests/fuzz/corpus/<target>/ so
# that the normal suite replays it (docs/reliability.md).
#   cmake --preset fuzz && cmake --build --preset fuzz
#   tests/fuzz/run-long.sh [-t SECONDS] [-n EXECUTIONS] [-l BYTES] [-w WORKERS] [target...]
# Targets named in one call run one after another: on a machine with two cores, two calls with different
# targets keep both busy.
set -eu
cd "$(dirname "$0")/../.."
seconds= runs=-1 max_len=65536 workers=1
while [ $# -ge 2 ]; do
    case $1 in
        -t) seconds=$2; shift 2 ;;
        -n) runs=$2; shift 2 ;;
        -l) max_len=$2; shift 2 ;;
        -w) workers=$2; shift 2 ;;
        *) break ;;
    esac
done
case $workers in ''|*[!0-9]*|0) echo "-w needs a positive number of processes, not '$workers'" >&2; exit 2 ;; esac
[ -n "$seconds" ] || seconds=$([ "$runs" = -1 ] && echo 600 || echo 0)   # libFuzzer: 0 is no time limit
targets=${*:-"safetensors_header model_config run_config dataset tokenizer_json peft_adapter"}
bin=build-fuzz/bin
# The targets write each input to a file: on tmpfs that costs a fraction of a disk write.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
# ASan records a stack trace at every allocation and free, only to print where a bad block came from; that costs
# run_config 40 % of its speed and catches nothing more. Replay a finding (fuzz_TARGET FILE) to get the traces.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0}
for target in $targets; do
    [ -x "$bin/fuzz_$target" ] || { echo "missing $bin/fuzz_$target: build the fuzz preset first" >&2; exit 1; }
done
for target in $targets; do
    work=build-fuzz/corpus/$target findings=build-fuzz/findings/$target log=build-fuzz/fuzz-$target.log
    mkdir -p "$work" "$findings"
    cp -n tests/fuzz/corpus/$target/* "$work"/ 2>/dev/null || true
    start=$(date +%s)
    worker_runs=$runs
    [ "$runs" = -1 ] || worker_runs=$(( (runs + workers - 1) / workers ))
    pids= logs=
    for w in $(seq 1 "$workers"); do
        wlog=$log; [ "$w" = 1 ] || wlog=build-fuzz/fuzz-$target.w$w.log
        "$bin/fuzz_$target" -max_total_time="$seconds" -runs="$worker_runs" -timeout=60 -rss_limit_mb=2048 \
            -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$findings/" "$work" >"$wlog" 2>&1 &
        pids="$pids $!" logs="$logs $wlog"
    done
    status=0
    for pid in $pids; do
        wait "$pid" || { s=$?; [ "$status" != 0 ] && [ "$status" != 72 ] || status=$s; }   # a finding outranks 72
    done
    elapsed=$(( $(date +%s) - start ))
    execs=0 last=
    for wlog in $logs; do
        n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$wlog" | grep -o '[0-9]*$' | tail -1)
        execs=$(( execs + ${n:-0} ))
        last="$last$(grep -E '^#[0-9]+' "$wlog" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true); "
    done
    case $status in
        0) verdict="no finding" ;;
        72) verdict="no finding; interrupted before its limit" ;;   # libFuzzer's exit code for SIGINT
        *) verdict="FINDING (exit $status, see $logs and $findings)" ;;
    esac
    echo "$target: $execs executions in ${elapsed} s by $workers process(es), at the end ${last% } $verdict"
done
