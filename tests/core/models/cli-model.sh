#!/bin/sh
# cli-model.sh CLI ROOT: `analyze --model`: none and the default run the
# classical detector (summary.json "model": null), auto uses the material's
# network from models/ (its path in summary.json), also for a guessed
# material; a network of another task or material, a broken file or an
# empty value exits 1 with a message.
set -eu
cli=$1
root=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$cli" simulate --material mos2 --size 128 --seed 3 --dose 1e5 --out "$dir/a.tif" \
  --truth "$dir/t.csv" >/dev/null

"$cli" analyze "$dir/a.tif" --material mos2 --model none --out "$dir/none" >/dev/null
grep -q '"model" : null' "$dir/none/summary.json"
"$cli" analyze "$dir/a.tif" --material mos2 --out "$dir/default" >/dev/null
grep -q '"model" : null' "$dir/default/summary.json"
"$cli" analyze "$dir/a.tif" --material mos2 --model auto --out "$dir/auto" >/dev/null
grep -q '"model" : ".*/models/mos2-atoms.onnx"' "$dir/auto/summary.json"
"$cli" analyze "$dir/a.tif" --model auto --out "$dir/guess" >/dev/null
grep -q '"material" : "mos2"' "$dir/guess/summary.json"
grep -q '"model" : ".*/models/mos2-atoms.onnx"' "$dir/guess/summary.json"
"$cli" analyze "$dir/a.tif" --material mos2 --model "$root/models/mos2-atoms.onnx" \
  --out "$dir/file" >/dev/null
grep -q '"model" : ".*mos2-atoms.onnx"' "$dir/file/summary.json"

fails () {
  status=0
  "$cli" analyze "$dir/a.tif" "$@" --out "$dir/bad" 2>"$dir/err" >/dev/null || status=$?
  [ "$status" = 1 ]
  if grep -q CRITICAL "$dir/err"; then exit 1; fi
  grep -qi -- "$expect" "$dir/err"
}
expect='WS2' fails --material ws2 --model "$root/models/mos2-atoms.onnx"
expect='phase' fails --material mos2 --model "$root/models/tmd-phase.onnx"
printf 'garbage' > "$dir/x.onnx"
expect='Cannot load network' fails --model "$dir/x.onnx"
expect='--model wants' fails --model ''
