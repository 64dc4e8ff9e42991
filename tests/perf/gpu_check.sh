#!/usr/bin/env bash
# The prepared GPU check (docs/performance.md, "CUDA"): on a machine with an NVIDIA GPU and Python with torch,
# transformers and peft (no Qt needed), builds the engine and CLI against that torch's LibTorch, then runs
# tests/perf/gpu_check.py (logits vs transformers on a ~1 B LLaMA, our peft export loaded by peft, training
# tokens/s and MFU vs transformers+peft). About five minutes. Output: gpu-check.json (and stdout).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
python=${PYTHON:-python3}
prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')
# nlohmann/json: the system's, or a copy of json.hpp under third_party/include (not part of the repository).
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DL1RA_BUILD_STUDIO=OFF -DL1RA_BUILD_TESTS=OFF \
      -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build build-gpu --target l1ra -j "$(nproc)" >/dev/null
"$python" tests/perf/gpu_check.py --l1ra build-gpu/bin/l1ra \
    --peft-base tests/data/tiny-llama --peft-adapter tests/data/tiny-llama-l1ra-peft "$@" | tee gpu-check.json
