# fukan template check: the default templates are clean; a broken one gives file:line:col
# findings and exit 2.
. "$SRCDIR/tests/e2e/lib.sh"
for t in "$SRCDIR"/templates/*.yaml; do
  expect_exit 0 "$FUKAN" template check "$t"
  expect_grep ': ok$' out.txt
done
cat > bad.yaml <<'YAML'
page: {width: 210, height: 297}
elements:
  - type: text
    x: 20
    y: 400
    text: "{{name}} {{no_such_field}}"
  - {type: box, x: 1, y: 1, width: wide, height: 5}
  - {type: text, x: 1, y: 1, text: a, colour: red}
YAML
expect_exit 2 "$FUKAN" template check bad.yaml
expect_grep "^bad.yaml:3:5: unknown field '\{\{no_such_field\}\}'" err.txt
expect_grep '^bad.yaml:3:5: element lies outside the 210x297 mm page' err.txt
expect_grep "^bad.yaml:7:36: 'width' must be a number" err.txt
expect_grep "^bad.yaml:8:39: unknown key 'colour'" err.txt
expect_grep '5 findings' err.txt
printf 'page: {width: 210\n' > broken.yaml
expect_exit 2 "$FUKAN" template check broken.yaml
expect_grep '^broken.yaml:[0-9]+:[0-9]+: ' err.txt
# Fixed text a font cannot show (a private-use character) or that cannot fit.
printf 'page: {width: 210, height: 297}\nelements:\n  - {type: text, x: 10, y: 10, text: "\363\260\200\200"}\n' > glyph.yaml
expect_exit 2 "$FUKAN" template check glyph.yaml
expect_grep 'glyph.yaml:3:6: text: character U\+F0000 not in any configured font' err.txt
printf 'page: {width: 210, height: 297}\nelements:\n  - {type: text, x: 10, y: 10, width: 10, text: "とても長い固定の文言"}\n' > long.yaml
expect_exit 2 "$FUKAN" template check long.yaml
expect_grep 'long.yaml:3:6: text: text does not fit in 10.0 mm' err.txt
: > empty.yaml
expect_exit 2 "$FUKAN" template check empty.yaml
expect_grep '^empty.yaml:1:1: empty or not a YAML document' err.txt
expect_exit 2 "$FUKAN" template check missing.yaml
expect_exit 2 "$FUKAN" template
echo ok
