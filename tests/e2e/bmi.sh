# The gate judges the ward's BMI column; a BMI that differs from the ward's own 体重/身長² by
# more than 0.1 is a finding of its own (the ward's data is inconsistent), listed by line and
# tag, held back until a responsible manager accepts it.
. "$SRCDIR/tests/e2e/lib.sh"
"$FUKAN" sample -o ward.csv --encoding utf-8 --lf --count 20 --seed 5 >/dev/null
python3 - ward.csv <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
h = rows[0]
r = rows[4]  # line 5
height, weight = float(r[h.index("身長")]), float(r[h.index("体重")])
computed = weight / (height / 100) ** 2
bmi = round(computed, 1) + 0.1
if abs(bmi - computed) <= 0.1:
    bmi += 0.1
r[h.index("BMI")] = f"{bmi:.1f}"
csv.writer(open(sys.argv[1], "w", encoding="utf-8", newline=""), lineterminator="\n").writerows(rows)
PY
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt >/dev/null
new_job job
expect_exit 0 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_exit 1 as_tanaka check job
expect_grep '^line 5 \[[0-9a-f]{32}\] bmi: the ward.s BMI differs from 体重/身長² by 0\.1[0-9] \(more than 0\.1\): the ward.s data is inconsistent \(held back\)$' out.txt
[ "$(grep -c ' bmi: ' out.txt)" = 1 ] || fail "only line 5's BMI is inconsistent"
tag=$(sed -n 's/^line 5 \[\([0-9a-f]*\)\] bmi:.*/\1/p' out.txt)
expect_exit 0 as_sato check job --accept "$tag" --reason '区に確認：BMIは計測値どおり'
expect_grep "^line 5 \[$tag\] bmi: .*\(accepted\)$" out.txt
expect_exit 0 as_tanaka check job
