#!/bin/sh
# cli-interrupt.sh CLI: Ctrl+C (SIGINT) during `atomlens-cli analyze SERIES`
# stops the workers and exits with status 130 and a message, leaving the
# output folder as it was (no table, no half-written file, no staging
# folder); a run that is not interrupted writes its files and no staging
# folder either.
set -eu
cli=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$cli" simulate --material mos2 --size 256 --frames 16 --seed 5 --defects V_S=0.03 \
  --scan frame_drift=0.02 --out "$dir/s.tif" >/dev/null
mkdir "$dir/res"
echo old > "$dir/res/summary.json"
"$cli" analyze "$dir/s.tif" --material mos2 --threads 1 --out "$dir/res" 2> "$dir/err" &
pid=$!
# The staging folder appears when the analysis starts; 16 frames on one
# thread take seconds, so the signal lands while frames are analysed.
n=0
until ls -A "$dir/res" | grep -q '^\.atomlens-partial-'; do
  n=$((n + 1))
  [ $n -lt 600 ] || { kill $pid; echo "no staging folder"; exit 1; }
  sleep 0.05
done
sleep 0.3
kill -INT $pid
rc=0
wait $pid || rc=$?
cat "$dir/err"
[ $rc -eq 130 ]
grep -q 'interrupted; nothing was written' "$dir/err"
[ "$(ls -A "$dir/res")" = summary.json ]
[ "$(cat "$dir/res/summary.json")" = old ]
# Not interrupted: the files are written, the staging folder is gone.
"$cli" analyze "$dir/s.tif" --frames 0:1 --material mos2 --threads 2 --out "$dir/res"
[ -s "$dir/res/atoms.csv" ] && [ -s "$dir/res/tracks.csv" ] && [ -s "$dir/res/figure.png" ]
grep -q '"drift_px"' "$dir/res/summary.json"
! ls -A "$dir/res" | grep -q partial
echo ok
