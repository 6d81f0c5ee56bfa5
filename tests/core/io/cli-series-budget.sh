#!/bin/sh
# cli-series-budget.sh CLI: a series larger than the memory budget is
# analysed frame by frame (`analyze SERIES --frames A:B` reads frames from
# the file as the workers need them) and gives exactly the tables of a run
# with a budget that holds it whole; `info` reads only the description.
set -eu
cli=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# 40 frames of 96² float32 (1.41 MiB) against a budget of 1.3 MiB: the
# series does not fit (test-frame-source checks that a whole load is
# refused), but each worker holds one frame, and one frame's detection
# (96² × 64 B, al-tiling.h) fits the half of the budget analysis may use.
"$cli" simulate --material mos2 --size 96 --frames 40 --seed 3 --defects V_S=0.03 \
  --scan frame_drift=0.02 --out "$dir/s.tif" >/dev/null
"$cli" analyze "$dir/s.tif" --frames 0:39 --material mos2 --threads 2 --out "$dir/whole" 2>/dev/null
ATOMLENS_MEMORY_BUDGET=1.3M "$cli" analyze "$dir/s.tif" --frames 0:39 --material mos2 --threads 2 \
  --out "$dir/lazy" 2>/dev/null
for f in atoms.csv bonds.csv defects.csv strain.csv tracks.csv events.csv; do
  cmp "$dir/whole/$f" "$dir/lazy/$f"
done
# summary.json equal but for the timings.
for run in whole lazy; do
  sed '/"timings_s" : {/,/}/d' "$dir/$run/summary.json" > "$dir/$run.json"
done
grep -q '"drift_px"' "$dir/whole.json"
cmp "$dir/whole.json" "$dir/lazy.json"
ATOMLENS_MEMORY_BUDGET=1M "$cli" info "$dir/s.tif" | grep -qx 'frames:      40'
echo ok
