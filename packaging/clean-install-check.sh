#!/bin/bash
# Run inside a fresh Debian 12 (a debootstrap chroot, a container or a VM) after
# `apt-get install ./l1ra-studio_*.deb`: what a new user does first, from the installed package only
# (docs/install.md, "A clean install, checked").
set -euo pipefail
export HOME=/root/home LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME" && cd "$HOME"
echo "== dpkg"; dpkg -s l1ra-studio | grep -E "^(Status|Version|Depends)"
echo "== which"; command -v l1ra l1ra-studio
echo "== l1ra --version"; l1ra --version
echo "== l1ra-studio --version"; l1ra-studio --version 2>/dev/null
echo "== desktop files"; ls /usr/share/applications/org.l1ra.Studio.desktop /usr/share/metainfo/org.l1ra.Studio.metainfo.xml /usr/share/mime/packages/org.l1ra.Studio.xml
echo "== man"; man -w l1ra 2>/dev/null || ls /usr/share/man/man1/l1ra.1.gz
echo "== demo prepare + 20 steps"
l1ra demo prepare --out ~/l1ra-demo > demo.log 2>&1; tail -2 demo.log
l1ra train --config ~/l1ra-demo/demo-run.json --set train.steps=20 --set samples.every=10 --out ~/l1ra-demo/runs/check > train.log 2>&1; tail -3 train.log
wc -l ~/l1ra-demo/runs/check/samples.jsonl; ls ~/l1ra-demo/runs/check/best
l1ra export --run ~/l1ra-demo/runs/check --format peft --checkpoint best --out ~/l1ra-demo/best-peft
echo "== studio: first start on the demo, a whole demo run, export"
printf 'timeout 900\nwait 15000\nstart\nwait-finished\nexport adapter /root/home/studio-adapter\nquit\n' > session.txt
l1ra-studio --script session.txt > studio.log 2>&1; echo "studio exit $?"; tail -5 studio.log
ls ~/studio-adapter
run=$(ls -d ~/Documents/"L1RA Studio"/runs/*/ | head -1); echo "run: $run"; ls "$run"; wc -l "$run/samples.jsonl"; head -c 300 "$run/samples.jsonl"; echo
