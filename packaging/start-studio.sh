#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the studio on the embedded demo: dependencies, build, demo
# material (data from Debian packages + the shipped base model), then the studio opens with the demo selected.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/packaging/build.sh"
demo_dir=${L1RA_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/L1RA/L1RA Studio/demo}
"$root/build/bin/l1ra" demo prepare --out "$demo_dir"
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
  echo "start-studio: no display; run it under a desktop session or with xvfb-run -a $0" >&2
  exit 1
fi
exec "$root/build/bin/l1ra-studio" --demo-dir "$demo_dir" "$@"
