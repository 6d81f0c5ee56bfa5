#!/usr/bin/env bash
# help/make-screenshots.sh: remakes the user guide's screenshots
# (help/images/*.png) with tools/screenshot.sh: a simulated MoS2 image, the
# bundled graphene sample (data/samples/graphene.tif) and a simulated series.
# Needs a build (./run test), Xvfb, dbus-run-session and ImageMagick.
# Each shot opens the image, analyses it and shows one side panel; the
# PNGs are reduced to 128 colours (about 0.3 MB each).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

CLI=${AL_BUILD_DIR:-build}/src/cli/atomlens-cli
# Seconds for the window to open, analyse and draw (more on a busy machine).
SETTLE=${AL_SCREENSHOT_SETTLE:-25}
# A plain folder name: the window's subtitle shows it.
tmp=${TMPDIR:-/tmp}/atomlens-guide
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

"$CLI" simulate --material mos2 --size 512 --seed 7 --dose 1e5 \
  --defects V_S=0.02,V_S2=0.005,V_Mo=0.003,Mo_S2=0.003,W_Mo=0.01,grain_boundary=1,phase_1T=1 \
  --out "$tmp/mos2-512.tif" --truth "$tmp/mos2-512-truth.csv"
"$CLI" simulate --material mos2 --size 384 --seed 3 --frames 8 --defects V_S=0.02,V_S2=0.005 \
  --scan frame_drift=0.05 --out "$tmp/series.tif" --truth "$tmp/series-truth.csv"

shot () {
  local name=$1 image=$2 panel=$3 settle=$4
  AL_SCREENSHOT_APP_ARGS="--analyze --panel=$panel" AL_SCREENSHOT_SETTLE=$settle \
    tools/screenshot.sh "$image" "$tmp/$name.png"
  convert "$tmp/$name.png" -strip -dither None -colors 128 "PNG8:help/images/$name.png"
}

mkdir -p help/images
for panel in layers classification inspector strain metadata; do
  shot "$panel" "$tmp/mos2-512.tif" "$panel" "$SETTLE"
done
for panel in layers classification inspector strain metadata; do
  shot "graphene-$panel" data/samples/graphene.tif "$panel" "$SETTLE"
done
shot series "$tmp/series.tif" time $((SETTLE * 2))
