#!/bin/sh
# check-guide.sh GUIDE README CLI: keeps the user guide honest, cheaply.
# Every image the guide links exists and every image in its images/ folder
# is linked; every in-page link (#anchor) names a heading; every
# `atomlens-cli WORD` it names is a real command; every --option on a
# command line of its examples is in that command's --help, and every
# option a command's (or a benchmark's) --help lists is in the guide;
# README links the guide. No analysis is run: this takes well under a
# second.
set -eu
guide=$1
readme=$2
cli=$3
dir=$(dirname "$guide")
fail=0

complain () {
  echo "check-guide: $*" >&2
  fail=1
}

# Images: linked ones exist, and none in images/ is forgotten.
images=$(grep -o '](images/[^)]*)' "$guide" | sed 's/^](//; s/)$//' | sort -u)
[ -n "$images" ] || complain "the guide links no screenshot"
for img in $images; do
  [ -f "$dir/$img" ] || complain "missing image $img"
done
for f in "$dir"/images/*; do
  [ -e "$f" ] || continue
  echo "$images" | grep -qx "images/$(basename "$f")" || complain "images/$(basename "$f") is not linked"
done

# In-page links: GitHub's anchors (lower case, punctuation dropped, spaces
# to hyphens).
anchors=$(grep '^#' "$guide" | sed 's/^#* *//' | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9 -]//g; s/ /-/g')
for a in $(grep -o '](#[^)]*)' "$guide" | sed 's/^](#//; s/)$//' | sort -u); do
  echo "$anchors" | grep -qx "$a" || complain "no heading for the link #$a"
done

# Commands: those the CLI lists after "Commands:".
commands=$("$cli" 2>&1 | awk '/^Commands:/ { on = 1; next } on && NF { print $1 }' || true)
[ -n "$commands" ] || complain "$cli lists no commands"
for c in $(grep -o 'atomlens-cli [a-z][a-z]*' "$guide" | sed 's/^atomlens-cli //' | sort -u); do
  echo "$commands" | grep -qx "$c" || complain "atomlens-cli $c is not a command"
done

# Options of the example command lines (code-block lines that start with it).
grep '^atomlens-cli [a-z]' "$guide" | while read -r _ cmd rest; do
  help=$("$cli" "$cmd" --help 2>&1 || true)
  for opt in $(echo "$rest" | grep -o -- '--[a-z][a-z-]*' || true); do
    echo "$help" | grep -q -- "$opt" || { echo "check-guide: atomlens-cli $cmd has no $opt" >&2; exit 1; }
  done
done || fail=1

# Every option of every command and of each benchmark (and of `bench chem
# --accuracy`, which has its own) is documented.
undocumented () {
  for opt in $(echo "$2" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
    [ "$opt" = --help ] && continue
    grep -q -- "$opt" "$guide" || complain "$1 has $opt, which the guide does not mention"
  done
}
for c in $commands; do
  undocumented "atomlens-cli $c" "$("$cli" "$c" --help 2>&1 || true)"
done
benches=$("$cli" bench --help 2>&1 | awk '/^Benchmarks/ { on = 1; next } on && NF { print $1 }' || true)
for b in $benches; do
  help=$("$cli" bench "$b" --help 2>&1 || true)
  case $help in
    Usage*) undocumented "atomlens-cli bench $b" "$help" ;;
  esac
done
undocumented "atomlens-cli bench chem --accuracy" \
  "$("$cli" bench chem --accuracy --help 2>&1 | sed -n '/^Application Options/,$p' || true)"

grep -q '](help/guide.md)' "$readme" || complain "README does not link help/guide.md"
exit $fail
