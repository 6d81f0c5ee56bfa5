#!/bin/sh
# cli-series.sh CLI: `atomlens-cli analyze SERIES --frames A:B` writes
# tracks.csv and events.csv with their headers, a hop or a conversion among
# the events, and drift and transitions in summary.json.
set -eu
cli=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$cli" simulate --material mos2 --size 256 --frames 6 --seed 5 --defects V_S=0.03 \
  --scan frame_drift=0.02 --out "$dir/s.tif" --truth "$dir/t.csv" >/dev/null
"$cli" analyze "$dir/s.tif" --frames 1:5 --material mos2 --threads 2 --out "$dir/res"
head -n 1 "$dir/res/tracks.csv" | grep -qx 'track_id,frame,defect_id,type,x_px,y_px'
head -n 1 "$dir/res/events.csv" | grep -qx 'frame,track_id,event,from_type,to_type'
# Frames are the image's: the window starts at 1.
[ "$(sed -n 2p "$dir/res/tracks.csv" | cut -d, -f2)" = 1 ]
[ "$(wc -l < "$dir/res/tracks.csv")" -gt 40 ]
grep -qE ',(hop|convert),' "$dir/res/events.csv"
grep -q '"drift_px"' "$dir/res/summary.json"
grep -q '"transitions"' "$dir/res/summary.json"
grep -q '"rate_per_frame"' "$dir/res/summary.json"
echo ok
