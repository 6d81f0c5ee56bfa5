#!/bin/sh
# cli-denoise.sh CLI: `analyze --denoise auto|on|off --fit-on raw|denoised`:
# summary.json's "denoise" object says what ran (network, frames denoised,
# signal-to-noise ratio, image fitted); auto denoises a 10³ e⁻/Å² MoS2
# image and not a 10⁵ one; bad values exit 1 with a message.
set -eu
cli=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for dose in 1e3 1e5; do
  "$cli" simulate --material mos2 --size 128 --seed 3 --dose $dose --out "$dir/$dose.tif" >/dev/null
done

run () {
  out=$1
  shift
  "$cli" analyze --material mos2 --threads 2 --out "$dir/$out" "$@" >/dev/null
}
run auto-low "$dir/1e3.tif"
grep -q '"mode" : "auto"' "$dir/auto-low/summary.json"
grep -q '"network" : ".*tmd-denoise.onnx"' "$dir/auto-low/summary.json"
grep -q '"frames_denoised" : 1' "$dir/auto-low/summary.json"
grep -q '"fitted_on" : "raw"' "$dir/auto-low/summary.json"
run auto-high "$dir/1e5.tif" --denoise auto
grep -q '"frames_denoised" : 0' "$dir/auto-high/summary.json"
grep -q '"snr" : [0-9]' "$dir/auto-high/summary.json"
run off "$dir/1e3.tif" --denoise off
grep -q '"network" : null' "$dir/off/summary.json"
grep -q '"snr" : null' "$dir/off/summary.json"
run on "$dir/1e5.tif" --denoise on --fit-on denoised
grep -q '"frames_denoised" : 1' "$dir/on/summary.json"
grep -q '"fitted_on" : "denoised"' "$dir/on/summary.json"

for bad in "--denoise sometimes" "--fit-on clean"; do
  status=0
  # shellcheck disable=SC2086
  run bad "$dir/1e3.tif" $bad 2>"$dir/err" || status=$?
  [ "$status" = 1 ]
  grep -q "wants" "$dir/err"
done
