#!/bin/sh
# cli-drift-field.sh CLI: `atomlens-cli analyze SERIES --drift field` models
# the drift as a field across each frame: summary.json says so and counts
# the steps whose field was measured; the default stays rigid; a wrong
# value is refused with a message naming the option.
set -eu
cli=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$cli" simulate --material mos2 --size 256 --frames 3 --seed 5 --defects V_S=0.03 \
  --scan frame_drift=0.02,drift=0.05:0.02 --out "$dir/s.tif" >/dev/null
"$cli" analyze "$dir/s.tif" --material mos2 --threads 2 --drift field --out "$dir/field"
grep -q '"drift_model" : "field"' "$dir/field/summary.json"
grep -q '"drift_field_steps" : 2' "$dir/field/summary.json"
[ "$(wc -l < "$dir/field/tracks.csv")" -gt 10 ]
"$cli" analyze "$dir/s.tif" --material mos2 --threads 2 --frames 0:1 --out "$dir/rigid"
grep -q '"drift_model" : "rigid"' "$dir/rigid/summary.json"
! grep -q '"drift_field_steps"' "$dir/rigid/summary.json"
if "$cli" analyze "$dir/s.tif" --drift sideways --out "$dir/bad" 2> "$dir/err"; then
  echo "--drift sideways was accepted" >&2
  exit 1
fi
grep -q -- '--drift wants rigid or field' "$dir/err"
echo ok
