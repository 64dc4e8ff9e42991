#!/usr/bin/env bash
# Installs exactly what L1RA Studio needs on Debian 12: the build, the tests and the demo.
# Idempotent: does nothing when every package is already present. Works as root or through sudo.
set -euo pipefail

packages=(
  # build
  cmake g++ ninja-build pkgconf ccache
  # engine (PCRE2 and ICU: tokenizer.json regular expressions and Unicode normalization)
  libtorch-dev libsentencepiece-dev nlohmann-json3-dev libpcre2-dev libicu-dev
  # data-parallel training: the headers of Gloo, which LibTorch's c10d process group includes
  libgloo-dev
  # without libopenblas0 LibTorch falls back to the reference BLAS (~4 GFLOP/s)
  libopenblas0
  # studio
  qt6-base-dev libqcustomplot-dev libqcustomplot2.1-qt6
  # tests and screenshots of the studio without a display
  xvfb xauth
  # demo material (DESIGN.md section 5)
  wordnet-base bsdgames fortunes-min fortunes
  # the Debian package and its check (ctest -L package, docs/install.md): cpack's dpkg-shlibdeps needs file
  dpkg-dev file binutils desktop-file-utils appstream shared-mime-info groff-base
)
# The eager PyTorch reference used by the benchmark scripts; optional for the studio itself.
if [[ "${L1RA_WITH_PYTHON_REFERENCE:-0}" == 1 ]]; then
  packages+=(python3-torch)
fi
# The libFuzzer targets of the parsers (the `fuzz` CMake preset, tests/fuzz, docs/reliability.md); the normal
# build and ctest replay their corpora without clang.
if [[ "${L1RA_WITH_FUZZ:-0}" == 1 ]]; then
  packages+=(clang-14 libfuzzer-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then sudo_cmd=(sudo); else
    echo "install-deps: missing packages (${missing[*]}) and not root; run as root or install sudo" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
