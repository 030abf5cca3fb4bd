# fukan's customer barcodes against zint's for 1,000 generated addresses (postal_zint.py).
. "$SRCDIR/tests/e2e/lib.sh"
[ -f "$FUKAN_POSTAL_DATA" ] || { echo "no postal table: skipped"; exit 77; }
command -v zint >/dev/null || fail "zint is missing (scripts/setup installs it)"
python3 "$SRCDIR/tests/e2e/postal_zint.py" "$FUKAN" "$SRCDIR/third_party/postal/package" 1000
