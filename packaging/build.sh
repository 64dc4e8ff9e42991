#!/usr/bin/env bash
# Installs what is missing, then configures and builds L1RA Studio (Release, Ninja) into build/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/packaging/install-deps.sh"
cd "$root"
cmake --preset default >/dev/null
# Two jobs per core is too many for LibTorch translation units on small machines (~1.5 GB each).
jobs=$(nproc)
cmake --build --preset default -- -j "$jobs"
