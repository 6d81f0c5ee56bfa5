#!/bin/sh
# check-potfiles.sh ROOT: po/POTFILES.in lists exactly the source, .ui and
# data files with translatable strings (a missing one would ship untranslated).
set -eu
cd "$1"
listed=$(grep -v '^#' po/POTFILES.in | grep -v '^$' | sort)
found=$( (grep -rlE '\b_\(|\bN_\(|C_\(' src --include='*.c';
          grep -rl 'translatable="yes"' ui;
          ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml) | sort -u)
missing=$(printf '%s\n' "$found" | grep -vxF "$listed" || true)
stale=$(printf '%s\n' "$listed" | grep -vxF "$found" || true)
status=0
if [ -n "$missing" ]; then echo "not in po/POTFILES.in:"; echo "$missing"; status=1; fi
if [ -n "$stale" ]; then echo "in po/POTFILES.in without translatable strings:"; echo "$stale"; status=1; fi
exit $status
