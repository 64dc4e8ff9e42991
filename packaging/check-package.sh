#!/usr/bin/env bash
# Builds the Debian package from a built tree and checks it without installing it on this machine: contents,
# Depends, the desktop entry, AppStream metainfo, MIME type and man pages with Debian's own tools, then the
# binaries run from the unpacked package (RPATH, tokenizer module, demo model, XDG-only writes).
#   packaging/check-package.sh BUILD_DIR [WORK_DIR]      (ctest -L package runs it; docs/install.md)
set -euo pipefail

build=$(cd "${1:?usage: check-package.sh BUILD_DIR [WORK_DIR]}" && pwd)
work=${2:-$(mktemp -d)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
fail() { echo "check-package: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "cpack -G DEB"
rm -rf "$work/pkg" "$work/root" "$work/home" "$work/demo"
(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
debs=("$work"/pkg/l1ra-studio_*.deb)
deb=${debs[0]}
[[ -f $deb ]] || fail "no l1ra-studio_*.deb in $work/pkg"
echo "$deb"

step "contents"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#' >"$work/contents.txt"
for path in /usr/bin/l1ra /usr/bin/l1ra-studio /usr/lib/l1ra/libl1ra.so /usr/lib/l1ra/libl1ra_spm.so \
            /usr/share/l1ra-studio/demo/model/config.json /usr/share/l1ra-studio/demo/model/model.safetensors \
            /usr/share/l1ra-studio/demo/model/tokenizer.model /usr/share/l1ra-studio/demo/NOTICE.md \
            /usr/share/applications/org.l1ra.Studio.desktop /usr/share/metainfo/org.l1ra.Studio.metainfo.xml \
            /usr/share/mime/packages/org.l1ra.Studio.xml /usr/share/icons/hicolor/scalable/apps/l1ra-studio.svg \
            /usr/share/man/man1/l1ra.1.gz /usr/share/man/man1/l1ra-studio.1.gz; do
  grep -qx "$path" "$work/contents.txt" || fail "$path is not in the package"
done
for size in 16 22 24 32 48 64 128 256; do
  grep -qx "/usr/share/icons/hicolor/${size}x${size}/apps/l1ra-studio.png" "$work/contents.txt" || fail "no ${size}x${size} icon"
done
if grep -E '^/usr/(include|lib/cmake)|tst_|/bin/[^l]' "$work/contents.txt"; then fail "build-only files in the package"; fi

step "Depends"
depends=$(dpkg-deb -f "$deb" Depends)
echo "$depends"
for p in libtorch1.13 libqt6widgets6 libqcustomplot2.1-qt6 libsentencepiece0 libopenblas0 wordnet-base bsdgames fortunes-min; do
  [[ ", $depends," == *", $p"[\ ,]* ]] || fail "Depends lacks $p"
done
[[ $depends != *-dev* ]] || fail "Depends names a -dev package"

step "desktop entry, metainfo, MIME type, man pages"
dpkg-deb -x "$deb" "$work/root"
root=$work/root
desktop-file-validate "$root/usr/share/applications/org.l1ra.Studio.desktop"
appstreamcli validate --no-net "$root/usr/share/metainfo/org.l1ra.Studio.metainfo.xml"
mkdir -p "$work/mime/packages"
cp "$root/usr/share/mime/packages/org.l1ra.Studio.xml" "$work/mime/packages/"
mime_log=$(XDG_DATA_DIRS="$work" update-mime-database "$work/mime" 2>&1) || fail "update-mime-database: $mime_log"
[[ -z $mime_log ]] || fail "update-mime-database: $mime_log"
type=$(sed -n 's/.*mime-type type="\([^"]*\)".*/\1/p' "$root/usr/share/mime/packages/org.l1ra.Studio.xml")
[[ -f $work/mime/$type.xml ]] || fail "update-mime-database made no $type"
grep -q "^MimeType=.*$type;" "$root/usr/share/applications/org.l1ra.Studio.desktop" || fail "the desktop entry does not open $type"
grep -q '^Exec=l1ra-studio %f$' "$root/usr/share/applications/org.l1ra.Studio.desktop" || fail "Exec does not pass the file (%f)"
for page in l1ra l1ra-studio; do
  warnings=$(zcat "$root/usr/share/man/man1/$page.1.gz" | LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z 2>&1)
  [[ -z $warnings ]] || fail "man page $page: $warnings"
done

step "binaries from the unpacked package"
for exe in l1ra l1ra-studio; do
  runpath=$(objdump -p "$root/usr/bin/$exe" | awk '/RUNPATH|RPATH/ {print $2}')
  [[ $runpath == '$ORIGIN/../lib/l1ra' ]] || fail "$exe: RUNPATH is '$runpath'"
  ldd "$root/usr/bin/$exe" >"$work/ldd-$exe.txt"
  ! grep -q "not found" "$work/ldd-$exe.txt" || fail "$exe: $(grep 'not found' "$work/ldd-$exe.txt")"
  grep -q "libl1ra.so => $root/usr/bin/../lib/l1ra/libl1ra.so" "$work/ldd-$exe.txt" || fail "$exe does not take libl1ra.so from the package"
done
# A clean user: a fresh HOME, no XDG or L1RA variables, no build tree to fall back on.
mkdir -p "$work/home"
clean_env=(env -i HOME="$work/home" PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen L1RA_THREADS=2)
version=$("${clean_env[@]}" "$root/usr/bin/l1ra" --version)
echo "$version"
[[ $version == "l1ra "*$'\n'"LibTorch "*$'\n'"CUDA: "* ]] || fail "l1ra --version: $version"
"${clean_env[@]}" "$root/usr/bin/l1ra-studio" --version 2>/dev/null | grep -q "^LibTorch " || fail "l1ra-studio --version"
tokens=$("${clean_env[@]}" "$root/usr/bin/l1ra" tokenize --model "$root/usr/share/l1ra-studio/demo/model" --text "hello" 2>&1) ||
  fail "the tokenizer module did not load from the package: $tokens"
(cd "$work" && "${clean_env[@]}" "$root/usr/bin/l1ra" demo prepare --out "$work/demo") >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; fail "l1ra demo prepare"; }
grep -q "copying the base model from $root/usr/share/l1ra-studio/demo/model" "$work/demo.log" || fail "the demo model did not come from the package: $(cat "$work/demo.log")"

step "the studio's first start writes only under XDG folders"
find "$root" | sort >"$work/tree-before.txt"
printf 'timeout 120\nwait 20000\nquit\n' >"$work/session.txt"
(cd "$work/home" && "${clean_env[@]}" "$root/usr/bin/l1ra-studio" --script "$work/session.txt") >"$work/studio.log" 2>&1 ||
  { cat "$work/studio.log"; fail "l1ra-studio --script"; }
find "$root" | sort >"$work/tree-after.txt"
diff "$work/tree-before.txt" "$work/tree-after.txt" || fail "the studio wrote beside its executable"
[[ -f "$work/home/.local/share/L1RA/L1RA Studio/demo/demo-run.json" ]] || fail "no demo under XDG_DATA_HOME: $(cat "$work/studio.log")"
[[ -f "$work/home/.config/L1RA/L1RA Studio.conf" ]] || fail "no settings under XDG_CONFIG_HOME"
stray=$(cd "$work/home" && find . -type f | grep -v -E '^\./\.(local/share|config|cache)/' || true)
[[ -z $stray ]] || fail "the studio wrote outside the XDG folders: $stray"
echo "check-package: OK ($deb)"
