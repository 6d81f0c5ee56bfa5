#!/usr/bin/env bash
# tools/screenshot.sh [IMAGE] [OUT.png]: a screenshot of AtomLens with IMAGE
# open, made on a virtual display (Xvfb) so anyone can regenerate it.
#   IMAGE  default: data/samples/mos2.tif, else an AtomSegNet image in ../shared
#   OUT    default: out/screenshot.png
#   AL_SCREENSHOT_APP_ARGS  options for the app, e.g. --analyze (analyze on open)
#                           --panel=layers|classification|inspector|strain|metadata (the
#                           side panel shown once the analysis is done)
#                           --show-layer=phase-map (a layer shown once it is done,
#                           by its name in the Layers list, "-" for a space)
# Needs a build (./run test makes one), Xvfb, dbus-run-session and ImageMagick
# (`import`). Settings go to a throwaway memory backend: your own are untouched.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

BUILD_DIR=${AL_BUILD_DIR:-build}
APP="$BUILD_DIR/src/app/atomlens"
IMAGE=${1:-}
OUT=${2:-out/screenshot.png}
WIDTH=${AL_SCREENSHOT_WIDTH:-1200}
HEIGHT=${AL_SCREENSHOT_HEIGHT:-800}
# Seconds to let the window open, load and draw its tiles.
SETTLE=${AL_SCREENSHOT_SETTLE:-6}

if [ -z "$IMAGE" ]; then
  IMAGE=data/samples/mos2.tif
  [ -f "$IMAGE" ] || IMAGE=../shared/data/images/AtomSegNet/10_dso_8nm_none_none.tif
fi
[ -x "$APP" ] || { echo "screenshot: build the app first (./run test)" >&2; exit 1; }
[ -f "$IMAGE" ] || { echo "screenshot: no such image: $IMAGE" >&2; exit 1; }
command -v import >/dev/null || { echo "screenshot: needs ImageMagick's import (apt-get install imagemagick)" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"

# A free display number.
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do
  display=$((display + 1))
done
Xvfb ":$display" -screen 0 "${WIDTH}x${HEIGHT}x24" -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill "$xvfb_pid" 2>/dev/null || true' EXIT
sleep 1

DISPLAY=":$display" GSK_RENDERER=cairo GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 \
  AL_SCREENSHOT_WIDTH="$WIDTH" AL_SCREENSHOT_HEIGHT="$HEIGHT" \
  dbus-run-session -- bash -c '
    "$1" $5 "$2" &
    app=$!
    sleep "$3"
    import -display "$DISPLAY" -window root "$4"
    kill "$app"
    wait "$app" 2>/dev/null || true
  ' screenshot "$APP" "$(readlink -f "$IMAGE")" "$SETTLE" "$OUT" "${AL_SCREENSHOT_APP_ARGS:-}"
echo "screenshot: $OUT"
