#!/bin/sh
# The manual: fukan(1) and a page per command in English and Japanese, built from the --help
# texts; each renders with man -l without a warning and names every option its --help
# names; `meson install` puts them where `man` and `man -L ja` find them.
. "$SRCDIR/tests/e2e/lib.sh"
command -v man >/dev/null || fail "man not found: install the Debian package man-db"
command -v scdoc >/dev/null || fail "scdoc not found: install the Debian package scdoc"
export MANWIDTH=80
commands=$("$FUKAN" help | awk '/^commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }')
[ -n "$commands" ] || fail "fukan help lists no commands"
for lang in en ja; do
  dir="$BUILDDIR/man/$lang"
  case $lang in en) loc=C.UTF-8 ;; ja) loc=ja_JP.UTF-8 ;; esac
  for page in fukan $(for c in $commands; do echo "fukan-$c"; done); do
    [ -f "$dir/$page.1" ] || fail "no $lang page $page(1) (man/meson.build lists the commands)"
    LANG=$loc LC_ALL=$loc man -l "$dir/$page.1" > "$lang-$page.txt" 2> "$lang-$page.err" ||
      fail "man -l cannot render $lang $page(1)"
    [ ! -s "$lang-$page.err" ] || { cat "$lang-$page.err" >&2; fail "man -l warns on $lang $page(1)"; }
    head -1 "$lang-$page.txt" | grep -qi "^$page(1)" || fail "$lang $page(1) has no title line"
  done
  for c in $commands; do
    FUKAN_LANG=$lang "$FUKAN" "$c" --help > help.txt
    for opt in $(grep -oE -- '--[a-z][a-z0-9-]+' help.txt | sort -u); do
      grep -qF -- "$opt" "$lang-fukan-$c.txt" || fail "$lang fukan-$c(1) does not name $opt of its --help"
    done
  done
  first=$(echo "$commands" | head -1)
  grep -q "fukan.$first(1)" "$lang-fukan.txt" || { cat "$lang-fukan.txt" >&2; fail "$lang fukan(1) does not list the commands"; }
done
grep -q '区分ごとの件数を発注書と照合し' ja-fukan-open.txt || fail "the Japanese open page is not Japanese"
grep -q 'The counts per category are' en-fukan-open.txt || fail "the English open page is not English"

# Installed: man finds them, in English and with -L ja in Japanese.
meson install -C "$BUILDDIR" --no-rebuild --destdir "$WORKDIR/inst" > install.txt 2>&1 ||
  { cat install.txt >&2; fail "meson install failed"; }
mandir=$(find "$WORKDIR/inst" -type d -path '*/man/man1' | head -1)
[ -n "$mandir" ] && [ -f "$mandir/fukan-open.1" ] || fail "meson install puts no fukan-open.1 under man/man1"
root=${mandir%/man1}
[ -f "$root/ja/man1/fukan-open.1" ] || fail "meson install puts no Japanese page under man/ja/man1"
MANPATH=$root LANG=C.UTF-8 LC_ALL=C.UTF-8 man fukan-open 2>/dev/null | grep -q 'The counts per category' ||
  fail "man fukan-open does not show the installed English page"
MANPATH=$root LANG=ja_JP.UTF-8 LC_ALL=ja_JP.UTF-8 man -L ja fukan-open 2>/dev/null | grep -q '区分ごとの件数' ||
  fail "man -L ja fukan-open does not show the installed Japanese page"
echo ok
