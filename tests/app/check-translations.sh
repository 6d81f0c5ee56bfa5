#!/bin/sh
# check-translations.sh ROOT: every shipped translation (po/LINGUAS) has a
# translation for every string the sources mark, none fuzzy: the strings
# are extracted afresh (as `ninja atomlens-pot` does) and merged in memory.
set -eu
cd "$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xgettext --files-from=po/POTFILES.in --directory=. --from-code=UTF-8 \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --output="$tmp/atomlens.pot" 2>/dev/null
status=0
for lang in $(grep -v '^#' po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/atomlens.pot" -o "$tmp/$lang.po"
  missing=$(msgattrib --untranslated --no-obsolete --no-wrap "$tmp/$lang.po" | grep '^msgid "' | grep -v '^msgid ""$' || true)
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$tmp/$lang.po" | grep '^msgid "' | grep -v '^msgid ""$' || true)
  if [ -n "$missing$fuzzy" ]; then
    echo "po/$lang.po lacks translations for:"
    printf '%s\n' "$missing" "$fuzzy" | grep -v '^$'
    status=1
  fi
  msgfmt --check --output-file=/dev/null "$tmp/$lang.po" || status=1
done
exit $status
