#!/usr/bin/env bash
# Renders the committed PNG icons from l1ra-studio.svg (after changing the SVG; rsvg-convert: apt install librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 22 24 32 48 64 128 256; do
  rsvg-convert -w "$size" -h "$size" l1ra-studio.svg -o "l1ra-studio-$size.png"
done
