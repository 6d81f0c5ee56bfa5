#!/bin/sh
# check-locale.sh APP PO_BUILD_DIR: the app uses its translations. The
# German catalogue compiled from po/de.po (PO_BUILD_DIR/de/LC_MESSAGES) is
# copied into a test folder that the app binds its text domain to
# (ATOMLENS_LOCALEDIR); with LANGUAGE=de its --help is German, without it
# English. C.UTF-8 is used because it is always there and, unlike C,
# lets gettext follow LANGUAGE.
set -eu
app=$1
mo=$2/de/LC_MESSAGES/atomlens.mo
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/de/LC_MESSAGES"
cp "$mo" "$dir/de/LC_MESSAGES/atomlens.mo"

german=$(LANGUAGE=de LC_ALL=C.UTF-8 ATOMLENS_LOCALEDIR="$dir" "$app" --help)
english=$(LANGUAGE= LC_ALL=C.UTF-8 ATOMLENS_LOCALEDIR="$dir" "$app" --help)
printf '%s\n' "$german" | grep -q 'Jedes Bild gleich nach dem Öffnen analysieren'
printf '%s\n' "$german" | grep -q -- '--panel=LEISTE'
printf '%s\n' "$english" | grep -q 'Analyze each image as soon as it is open'
# Without the catalogue the German request falls back to English.
rm "$dir/de/LC_MESSAGES/atomlens.mo"
LANGUAGE=de LC_ALL=C.UTF-8 ATOMLENS_LOCALEDIR="$dir" "$app" --help \
  | grep -q 'Analyze each image as soon as it is open'
echo ok
