#!/usr/bin/env bash
# Loads this project's GGUF exports in llama.cpp and compares them with the engine (docs/exports.md, "Checked with
# llama.cpp"). Needs Node.js >= 18 and the npm registry: llama.cpp comes prebuilt (CPU) with node-llama-cpp.
#   tests/tools/llama-cpp-check/run.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../../build}" && pwd)
work=${2:-$(mktemp -d)}
l1ra=$build/bin/l1ra
mkdir -p "$work" && cd "$work"
[[ -d node_modules/node-llama-cpp ]] || { npm init -y >/dev/null; npm install --no-audit --no-fund node-llama-cpp@3.22.1 >/dev/null; }
cp "$here/check.mjs" "$here/prompts.json" .
[[ -d demo ]] || "$l1ra" demo prepare --out demo >/dev/null
# An L1RA run that moves rank (per-module ranks from 1 to 25), and a LoRA run that changes nothing (lr 0): its
# merged export is the base model, which llama.cpp needs beside a LoRA adapter.
rm -rf run zero
"$l1ra" train --config demo/demo-run.json --set train.steps=80 --set l1ra.eta_c=0.1 --set l1ra.lambda=0.5 --set threads=1 --out run >/dev/null
"$l1ra" train --config demo/demo-run.json --set method=lora --set train.lr=0 --set train.steps=1 --set 'samples.prompts=[]' --out zero >/dev/null
"$l1ra" export --run run --format gguf-lora --force --out run-lora.gguf
"$l1ra" export --run run --format gguf --dtype f32 --force --out run-merged.gguf
"$l1ra" export --run zero --format gguf --dtype f32 --force --out base.gguf
node check.mjs run-merged.gguf - prompts.json 24 >llama-merged.json
node check.mjs base.gguf run-lora.gguf prompts.json 24 >llama-lora.json
node check.mjs base.gguf - prompts.json 24 >llama-base.json
python3 "$here/compare.py" "$l1ra" prompts.json
