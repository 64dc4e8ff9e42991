#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs dependencies, builds, runs every Qt Test suite via ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/packaging/build.sh"
cd "$root"
QT_QPA_PLATFORM=offscreen ctest --preset default --output-on-failure "$@"
