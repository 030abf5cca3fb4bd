# fukan's customer barcodes against zint's for 1,000 generated addresses (postal_zint.py).
. "$SRCDIR/tests/e2e/lib.sh"
[ -f "$FUKAN_POSTAL_DATA" ] || fail "no postal table at $FUKAN_POSTAL_DATA: run scripts/fetch-postal-data (scripts/setup does) and rebuild"
command -v zint >/dev/null || fail "zint is missing (scripts/setup installs it)"
python3 "$SRCDIR/tests/e2e/postal_zint.py" "$FUKAN" "$SRCDIR/third_party/postal/package" 1000
