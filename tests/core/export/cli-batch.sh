#!/bin/sh
# cli-batch.sh CLI: `atomlens-cli batch` over a folder with two simulated
# images and one garbage file writes one row per file (two ok, one error),
# a folder of tables per good image, and exits 1; over a pattern matching
# only the good files it exits 0; bad arguments and empty matches exit 1.
set -eu
cli=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/in"
"$cli" simulate --material mos2 --size 128 --seed 1 --out "$dir/in/a.tif" --truth "$dir/ta.csv" >/dev/null
"$cli" simulate --material mos2 --size 128 --seed 2 --defects V_S=0.05 \
  --out "$dir/in/b.tif" --truth "$dir/tb.csv" >/dev/null
printf 'not an image at all\n' > "$dir/in/c.tif"

status=0
"$cli" batch "$dir/in" --out "$dir/res" --material mos2 2>"$dir/err" >/dev/null || status=$?
[ "$status" = 1 ]
grep -q 'c.tif' "$dir/err"
if grep -q CRITICAL "$dir/err"; then exit 1; fi
[ "$(wc -l < "$dir/res/summary.csv")" = 4 ]
head -n 1 "$dir/res/summary.csv" | grep -q '^file,status,message,width,height,frames,material,pixel_size_nm,n_atoms,species_Mo,species_S2,.*defect_V_S,.*time_total_s$'
[ "$(grep -c '^a.tif,ok,,128,128,1,mos2,' "$dir/res/summary.csv")" = 1 ]
[ "$(grep -c '^b.tif,ok,,128,128,1,mos2,' "$dir/res/summary.csv")" = 1 ]
[ "$(grep -c '^c.tif,error,.' "$dir/res/summary.csv")" = 1 ]
# Every good image has atoms and its own tables.
for f in a.tif b.tif; do
  n=$(grep "^$f," "$dir/res/summary.csv" | cut -d, -f9)
  [ "$n" -gt 100 ]
  for t in atoms.csv bonds.csv defects.csv strain.csv summary.json figure.png; do
    [ -s "$dir/res/$f/$t" ]
  done
done
# b has sulphur vacancies, counted in its own column.
col=$(head -n 1 "$dir/res/summary.csv" | tr , '\n' | grep -nx defect_V_S | cut -d: -f1)
[ "$(grep '^b.tif,' "$dir/res/summary.csv" | cut -d, -f"$col")" -gt 0 ]
[ ! -e "$dir/res/c.tif" ]
grep -q '"n_failed" : 1' "$dir/res/summary.json"
grep -q '"status" : "error"' "$dir/res/summary.json"

# Only good files, through a pattern: exit 0.
rm "$dir/in/c.tif"
"$cli" batch "$dir/in/*.tif" --out "$dir/res2" --material mos2 >/dev/null
[ "$(wc -l < "$dir/res2/summary.csv")" = 3 ]
[ "$(grep -c ',ok,' "$dir/res2/summary.csv")" = 2 ]

# An empty match, and bad arguments: 1 with a message.
if "$cli" batch "$dir/in/*.dm4" --out "$dir/res4" 2>"$dir/err"; then exit 1; fi
grep -q 'no file matches' "$dir/err"
if "$cli" batch "$dir/in" 2>"$dir/err"; then exit 1; fi
grep -q -- '--out' "$dir/err"
if "$cli" batch "$dir/in" --out "$dir/res5" --material unobtainium 2>/dev/null; then exit 1; fi
echo ok
