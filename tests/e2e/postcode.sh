# fukan postcode: the two output lines, catch-all and mismatch verdicts, --svg, --data-info,
# --batch, usage errors, and a missing table.
. "$SRCDIR/tests/e2e/lib.sh"
[ -f "$FUKAN_POSTAL_DATA" ] || fail "no postal table at $FUKAN_POSTAL_DATA: run scripts/fetch-postal-data (scripts/setup does) and rebuild"

expect_exit 0 "$FUKAN" postcode 273-0102 "千葉県鎌ケ谷市右京塚 東3丁目-20-5 郵便・A&bコーポB604号"
[ "$(sed -n 1p out.txt)" = "3-20-5B604" ] || fail "display line: $(cat out.txt)"
[ "$(sed -n 2p out.txt)" = "2 7 3 0 1 0 2 3 - 2 0 - 5 CC1 1 6 0 4 CC4 CC4 0" ] || fail "tokens"
[ "$(wc -l <out.txt)" -eq 2 ] || fail "two lines expected"

# the building line as a third argument
expect_exit 0 "$FUKAN" postcode 1000013 "東京都千代田区霞が関1丁目3番2号" "郵便プラザ503室"
[ "$(sed -n 2p out.txt)" = "1 0 0 0 0 1 3 1 - 3 - 2 - 5 0 3 CC4 CC4 CC4 CC4 9" ] || fail "building"

# a catch-all code prints no barcode and the reason, exit 1
expect_exit 1 "$FUKAN" postcode 100-0000 "東京都千代田区千代田1番"
expect_grep '^no barcode: .*catch-all' out.txt
# a code that does not belong to the address
expect_exit 1 "$FUKAN" postcode 100-0013 "東京都千代田区永田町1丁目7-1"
expect_grep '^no barcode: the address names another town area' out.txt
expect_exit 1 "$FUKAN" postcode 000-0000 "東京都千代田区"
expect_grep '^no barcode: .*not in' out.txt

# --bars and --svg (67 bars, drawn at 10 pt: 79.8 mm + 2 x 2 mm quiet zone)
expect_exit 0 "$FUKAN" postcode --bars --svg bar.svg --pt 10 1000013 "千代田区霞が関1-3-2"
[ "$(sed -n 3p out.txt | tr -d '\n' | wc -c)" -eq 67 ] || fail "67 bars"
expect_grep 'width="83.800mm"' bar.svg
[ "$(grep -c '<rect' bar.svg)" -eq 68 ] || fail "svg rectangles"
[ "$(stat -c %a bar.svg)" = 600 ] || fail "svg mode"
if command -v xmllint >/dev/null; then xmllint --noout bar.svg; fi

# --data-info
expect_exit 0 "$FUKAN" postcode --data-info
expect_grep '^package: japan-postal-code [0-9]' out.txt
expect_grep '^published: ' out.txt
expect_grep '^codes: [0-9]{6} ' out.txt

# --batch
printf '1000013\t千代田区霞が関1-3-2\n100-0000\t千代田区\n1000013\t千代田区霞が関1-3-2\t郵便ビル2F\n' >in.txt
set +e
"$FUKAN" postcode --batch <in.txt >out.txt 2>err.txt
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "--batch with a catch-all exits 1 (got $rc)"
[ "$(wc -l <out.txt)" -eq 3 ] || fail "--batch lines"
expect_grep '^ok	1-3-2	1 0 0 0 0 1 3 1 - 3 - 2 CC4' out.txt
expect_grep '^no barcode	' out.txt
expect_grep '^ok	1-3-2-2	' out.txt

# usage errors and a missing table
expect_exit 2 "$FUKAN" postcode 1000013
expect_exit 2 "$FUKAN" postcode --pt 20 1000013 "千代田区霞が関1"
expect_exit 2 "$FUKAN" postcode --nope
expect_exit 2 "$FUKAN" postcode 12-34 "千代田区霞が関1"
expect_exit 0 "$FUKAN" postcode --help
expect_grep '^usage: fukan postcode' out.txt
FUKAN_POSTAL_DATA=$WORKDIR/none expect_exit 3 "$FUKAN" postcode 1000013 "千代田区霞が関1"
expect_grep 'fetch-postal-data' err.txt
echo ok
