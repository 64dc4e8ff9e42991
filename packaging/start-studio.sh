#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the studio: dependencies, build, then the studio opens.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/packaging/build.sh"
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
  echo "start-studio: no display; run it under a desktop session or with xvfb-run -a $0" >&2
  exit 1
fi
exec "$root/build/bin/l1ra-studio" "$@"
