#!/usr/bin/env bash
# The prepared GPU check (docs/performance.md, "CUDA"): on a machine with an NVIDIA GPU and Python with torch,
# transformers and peft (no Qt, no sentencepiece needed), builds the engine and CLI against that torch's LibTorch,
# then runs tests/perf/gpu_check.py (logits vs transformers on a ~1 B LLaMA, our peft export loaded by peft,
# training tokens/s and MFU vs transformers+peft). About five minutes on 16 cores.
# Output: gpu-check.json and gpu-check-build.log in $GPU_CHECK_OUT (default: the repository root).
# Extra arguments go to gpu_check.py (e.g. --skip speed, --seq 512).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=${GPU_CHECK_OUT:-$root}
mkdir -p "$out"
python=${PYTHON:-python3}
prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)') || { echo "gpu_check: no torch in $python" >&2; exit 1; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true
# nlohmann/json: the system's, or a copy of the headers under third_party/include (not part of the repository).
# --no-as-needed keeps libtorch_cuda linked although no symbol of it is named (else CUDA looks absent at run time);
# --allow-shlib-undefined: the CUDA libraries of a pip torch are found through its RUNPATHs at run time only.
start=$(date +%s)
if ! { cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DL1RA_BUILD_STUDIO=OFF -DL1RA_BUILD_TESTS=OFF \
          -DCMAKE_PREFIX_PATH="$prefix" "-DCMAKE_EXE_LINKER_FLAGS=-Wl,--no-as-needed -Wl,--allow-shlib-undefined" \
          "-DCMAKE_SHARED_LINKER_FLAGS=-Wl,--no-as-needed" &&
       cmake --build build-gpu --target l1ra -j "$(nproc)" -- -k 0; } >"$out/gpu-check-build.log" 2>&1; then
    echo "gpu_check: the build failed; the errors:" >&2
    grep -E "error|Error|undefined reference" "$out/gpu-check-build.log" | head -60 >&2
    exit 1
fi
echo "gpu_check: built in $(( $(date +%s) - start )) s" >&2
"$python" tests/perf/gpu_check.py --l1ra build-gpu/bin/l1ra \
    --peft-base tests/data/tiny-llama --peft-adapter tests/data/tiny-llama-l1ra-peft "$@" | tee "$out/gpu-check.json"
