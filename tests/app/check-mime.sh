#!/bin/sh
# check-mime.sh MIME_XML DESKTOP_FILE: the shared-mime-info file is valid
# XML that update-mime-database compiles without a complaint; in a database
# built from it, GIO names each of our file types by extension and, where a
# format has magic bytes, by content alone; and the .desktop file claims
# every type the XML defines.
set -eu
xml=$1
desktop=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

xmllint --noout "$xml"
mkdir -p "$tmp/mime/packages" "$tmp/files"
cp "$xml" "$tmp/mime/packages/"
XDG_DATA_HOME="$tmp" update-mime-database "$tmp/mime" 2>"$tmp/warnings"
if [ -s "$tmp/warnings" ]; then cat "$tmp/warnings"; exit 1; fi

status=0
expect() {  # FILE TYPE
  got=$(XDG_DATA_HOME="$tmp" XDG_DATA_DIRS=/usr/share gio info -a standard::content-type "$1" |
        sed -n 's/^ *standard::content-type: //p')
  if [ "$got" != "$2" ]; then
    echo "$(basename "$1"): expected $2, GIO says $got"
    status=1
  fi
}

f=$tmp/files
printf '{"format":"atomlens","version":1}' >"$f/a.atomlens"
printf '\0\0\0\3' >"$f/a.dm3"
printf '\0\0\0\4' >"$f/a.dm4"
printf '\211HDF\r\n\032\n' >"$f/a.emd"
printf 'II\227\1\20\2' >"$f/a.ser"
head -c 1024 /dev/zero >"$f/a.mrc"
expect "$f/a.atomlens" application/x-atomlens
expect "$f/a.dm3" image/x-gatan-dm3
expect "$f/a.dm4" image/x-gatan-dm4
expect "$f/a.emd" application/x-emd
expect "$f/a.ser" image/x-fei-ser
expect "$f/a.mrc" image/x-mrc
# By content, with no extension to go by.
cp "$f/a.atomlens" "$f/document"
cp "$f/a.ser" "$f/series"
{ head -c 208 /dev/zero; printf 'MAP DA\0\0'; head -c 800 /dev/zero; } >"$f/map"
expect "$f/document" application/x-atomlens
expect "$f/series" image/x-fei-ser
expect "$f/map" image/x-mrc

claimed=$(sed -n 's/^MimeType=//p' "$desktop" | tr ';' '\n')
for type in $(sed -n 's/.*<mime-type type="\([^"]*\)".*/\1/p' "$xml"); do
  if ! printf '%s\n' "$claimed" | grep -qxF "$type"; then
    echo "$(basename "$desktop"): MimeType= lacks $type"
    status=1
  fi
done
exit $status
