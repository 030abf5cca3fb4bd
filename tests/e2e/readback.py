#!/usr/bin/env python3
"""Reads the demo job's print files back against the ward's CSV (tests/e2e/readback.sh).

usage: readback.py bars PGM...
       readback.py check FUKAN WARD_CSV RUN_CSV JOB_CODE BATCH_SIZE DIR CAMERA_OUT

`bars` prints, for each image of a window's barcode line, the 67 bars it shows (L long,
A ascender, D descender, T timing), "none" when the image is blank, "unreadable" otherwise.

`check` holds every record of the CSV (all accepted: the test makes sure) against the sheets
fukan must have printed for it. The envelopes of a category are in mailing order
(src/postal/mailsort.h: postal code, then the address as written, then the CSV's order), so a
record's serial, batch, print file and page follow from the CSV alone. DIR holds, per print
file BASE: text/BASE.txt (pdftotext -raw, pages ending in form feeds), codes/BASE.txt
(dmtxread, one line per page, empty when nothing was read) and pages/BASE.txt (the page
count); for ① files also window/BASE.txt (the window's text alone) and bars/BASE.txt (this
script's `bars`, one line per page). CAMERA_OUT receives the decoded codes as an inserter's
camera export, one envelope per record, for `fukan verify`.

On paper, per record: ① (voucher or notice) shows in the window exactly 〒postal code, the
address and building lines as written, and the name with 様; a voucher repeats the name in its
table with the voucher and ticket numbers, a notice in its greeting; ② (results) shows the name
with 様 and the ticket number. The reading (カナ) is on no template. Every sheet shows its code
in clear, and its DataMatrix decodes to the same payload: the run file's line for that sheet,
FK1|JOB|C|SERIAL|i/n|CHECK, with one check value per envelope. Every window's customer
barcode has the bars zint draws for the postal code and the display number `fukan postcode`
gives for the address (fukan's own bars where zint cannot draw the case, see postal_zint.py).

Failures name the CSV line, the field, the sheet and the file, never a value.
"""
import csv
import os
import re
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postal_zint  # noqa: E402
from pgm import read_pgm  # noqa: E402

CATEGORY = {("特定保健指導", "積極的支援"): "S", ("特定保健指導", "動機付け支援"): "D",
            ("特定保健指導", "動機づけ支援"): "D", ("非肥満保健指導", ""): "H",
            ("健康相談", ""): "K", ("受診勧奨通知", ""): "J"}
DOCUMENT = {"S": "voucher-tokutei", "D": "voucher-tokutei", "H": "voucher-hihiman",
            "K": "voucher-kenko", "J": "notice-jushin"}
HALFWIDTH_KANA = re.compile("[\uff61-\uff9f]+")


DARK = bytes(1 if v < 128 else 0 for v in range(256))


def bars_of(path):
    width, height, pixels = read_pgm(path)
    dark = pixels.translate(DARK)
    if 1 not in dark:
        return "none"
    rows = [dark[y * width:(y + 1) * width] for y in range(height)]
    # The timing band: the rows that cross all 67 bars.
    band = [y for y, row in enumerate(rows) if len(re.findall(b"\x01+", row)) == 67]
    if not band:
        return "unreadable"
    mid = band[len(band) // 2]
    extents = []
    for m in re.finditer(b"\x01+", rows[mid]):
        x = (m.start() + m.end() - 1) // 2
        top = bottom = mid
        while top > 0 and rows[top - 1][x]:
            top -= 1
        while bottom < height - 1 and rows[bottom + 1][x]:
            bottom += 1
        extents.append((top, bottom))
    top_min = min(t for t, _ in extents)
    bottom_max = max(b for _, b in extents)
    cell = (bottom_max - top_min + 1) / 3  # ascender, timing and descender cells
    out = ""
    for top, bottom in extents:
        up, down = top < top_min + cell / 2, bottom > bottom_max - cell / 2
        out += "L" if up and down else "A" if up else "D" if down else "T"
    return out


def squeeze(text):
    """Text without blanks: pdftotext rebuilds them from glyph gaps (U+3000 comes back as
    ASCII blanks, a line break as a newline), every other character must come back exactly."""
    return "".join(text.split())


def trim(value):
    return value.strip(" \u3000")


def normal_name(value):
    """氏名 as fukan stores it (docs/ingest.md): half-width katakana made full-width."""
    return HALFWIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), trim(value))


def read_pages(path):
    text = open(path, encoding="utf-8").read()
    pages = text.split("\f")
    return pages[:-1] if pages and pages[-1] == "" else pages


def read_lines(path):
    return open(path, encoding="utf-8").read().split("\n")[:-1]


def number_on(number, text):
    return re.search(r"(?<![0-9])%s(?![0-9])" % re.escape(number), text) is not None


class Records:
    def __init__(self, path):
        rows = list(csv.reader(open(path, encoding="utf-8-sig", newline="")))
        col = {name: i for i, name in enumerate(rows[0])}
        self.records = []
        for line, row in enumerate(rows[1:], start=2):
            get = lambda name: row[col[name]]  # noqa: E731
            postal = "".join(ch for ch in unicodedata.normalize("NFKC", get("郵便番号"))
                             if ch.isdigit())
            self.records.append({
                "line": line,
                "category": CATEGORY[(trim(get("利用券種別")), trim(get("保健指導区分")))],
                "name": normal_name(get("氏名")),
                "postal": postal,
                "address": trim(get("住所")),
                "building": trim(get("方書")),
                "voucher": unicodedata.normalize("NFKC", trim(get("利用券整理番号"))),
                "ticket": unicodedata.normalize("NFKC", trim(get("受診券整理番号"))),
            })
        by_category = {}
        for r in self.records:
            by_category.setdefault(r["category"], []).append(r)
        for envelopes in by_category.values():
            envelopes.sort(key=lambda r: (int(r["postal"]), r["address"].encode(), r["line"]))
            for serial, r in enumerate(envelopes, start=1):
                r["serial"] = serial
        self.by_category = by_category


def expected_bars(fukan, records):
    """Per record, the bars its window must show ("none" when no barcode may be printed),
    and the failures of fukan's own bars against zint's."""
    lines = "".join("%s\t%s\t%s\n" % (r["postal"], r["address"], r["building"]) for r in records)
    got = subprocess.run([fukan, "postcode", "--batch"], input=lines, capture_output=True,
                         text=True).stdout.split("\n")
    if len(got) < len(records):
        sys.exit("fukan postcode --batch gave %d lines for %d addresses" % (len(got), len(records)))
    bars, data, failures = [], [], []
    for r, line in zip(records, got):
        fields = line.split("\t")
        if fields[0] != "ok":
            bars.append("none")
            data.append(None)
            continue
        bars.append(fields[3])
        data.append(postal_zint.zint_data(r["postal"], fields[1]))
    # zint reads the symbols' data from stdin, never from argv (they are parts of addresses).
    batch = [d for d in data if d is not None]
    dump = subprocess.run(["zint", "-b", "JAPANPOST", "--dump", "--batch", "-i", "-"],
                          input="".join(d + "\n" for d in batch), capture_output=True,
                          text=True).stdout.split("\n")
    if len(dump) < 3 * len(batch):
        sys.exit("zint drew %d of %d barcodes" % (len(dump) // 3, len(batch)))
    k = 0
    for i, d in enumerate(data):
        if d is None:
            continue
        want = postal_zint.bars_from_dump(dump[3 * k:3 * k + 3])
        k += 1
        if bars[i] != want:
            failures.append("record at CSV line %d: fukan's barcode differs from zint's"
                            % records[i]["line"])
            bars[i] = want
    return bars, failures


class Files:
    """The read-back files of the print files, loaded once each."""

    def __init__(self, root):
        self.root = root
        self.cache = {}

    def get(self, kind, base):
        key = (kind, base)
        if key not in self.cache:
            path = os.path.join(self.root, kind, base + ".txt")
            if not os.path.exists(path):
                self.cache[key] = None
            elif kind in ("text", "window"):
                self.cache[key] = read_pages(path)
            else:
                self.cache[key] = read_lines(path)
        return self.cache[key]


def check_code(r, i, n, plan, raw, decoded, job, batch, fail):
    """The sheet's line of the run file is this sheet's code, in clear and in the DataMatrix;
    returns the check value."""
    payload = plan["payload"]
    parts = payload.split("|")
    document = DOCUMENT[r["category"]] if i == 1 else "results"
    if (len(parts) != 6
            or parts[:5] != ["FK1", job, r["category"], "%06d" % r["serial"], "%d/%d" % (i, n)]
            or not re.fullmatch("[0-9a-f]{10}", parts[5]) or plan["batch"] != str(batch)
            or plan["sheets"] != str(n) or plan["document"] != document):
        fail("the run file's line is not this sheet's")
    if re.findall(r"FKS?1\|[^\s]*", raw) != [payload]:
        fail("the code in clear is not the run file's")
    if decoded == "":
        fail("the DataMatrix was not read")
    elif decoded != payload:
        fail("the DataMatrix is not the run file's code")
    return parts[-1]


def check_text(r, i, raw, fail):
    """The name and numbers on the sheet, beside the window."""
    name, flat = squeeze(r["name"]), squeeze(raw)
    if i == 1 and r["category"] != "J":
        if flat.count(name) < 2:
            fail("name not found in the voucher's table")
        if not number_on(r["voucher"], raw):
            fail("voucher number not found")
        if not number_on(r["ticket"], raw):
            fail("ticket number not found")
    elif i == 1:
        if flat.count(name + "様") < 2:
            fail("name not found in the notice's greeting")
    else:
        if name + "様" not in flat:
            fail("name not found")
        if not number_on(r["ticket"], raw):
            fail("ticket number not found")


def check_envelope(r, job, batch_size, run, files, bars, decoded, failures):
    """Every sheet of r's envelope, their codes as read appended to decoded; returns the print
    files they are in and the check values they carry."""
    n = 1 if r["category"] == "J" else 2
    batch, page = (r["serial"] - 1) // batch_size + 1, (r["serial"] - 1) % batch_size + 1
    bases, values = [], set()
    for i in range(1, n + 1):
        base = "%s-%s-%d-%03d" % (job, r["category"], i, batch)
        bases.append(base)

        def fail(what, base=base):
            failures.append("record at CSV line %d: %s on sheet %d of %s.pdf"
                            % (r["line"], what, page, base))
        text, codes = files.get("text", base), files.get("codes", base)
        plan = run.get((r["category"], r["serial"], i))
        if text is None or codes is None or page > len(text) or page > len(codes):
            fail("no such sheet")
            continue
        if plan is None:
            fail("sheet %d/%d missing from the run file" % (i, n))
            continue
        values.add(check_code(r, i, n, plan, text[page - 1], codes[page - 1], job, batch, fail))
        decoded.append(codes[page - 1])
        check_text(r, i, text[page - 1], fail)
        if i == 1:
            check_window(r, files, base, page, bars, fail)
    return bases, values


def check(argv):
    fukan, ward, run_csv, job, batch_size, root, camera_out = argv
    batch_size = int(batch_size)
    recs = Records(ward)
    run = {}
    for row in csv.DictReader(open(run_csv, encoding="utf-8", newline="")):
        run[(row["category"], int(row["serial"]), int(row["sheet"]))] = row
    bars, failures = expected_bars(fukan, recs.records)
    want_bars = {r["line"]: b for r, b in zip(recs.records, bars)}
    files = Files(root)
    used_files, check_values, envelopes = set(), {}, []
    for r in sorted(recs.records, key=lambda r: (r["category"], r["serial"])):
        sheets = []
        bases, values = check_envelope(r, job, batch_size, run, files, want_bars[r["line"]],
                                       sheets, failures)
        envelopes.append(sheets)
        used_files.update(bases)
        if len(values) != 1:
            failures.append("record at CSV line %d: its sheets carry different check values"
                            % r["line"])
        for value in values:
            if value in check_values:
                failures.append("records at CSV lines %d and %d: the same check value"
                                % (check_values[value], r["line"]))
            check_values[value] = r["line"]
    check_files(recs, batch_size, files, root, used_files, failures)
    sheets = sum(len(e) for e in envelopes)
    if len(run) != sheets:
        failures.append("the run file lists %d sheets, the envelopes have %d" % (len(run), sheets))
    with open(camera_out, "w", encoding="utf-8") as f:
        f.write("envelope,payload\n")
        for k, sheets_read in enumerate(envelopes, start=1):
            for code in sheets_read:
                f.write("%d,%s\n" % (k, code))
    rare = sum(1 for r in recs.records if any(0x20000 <= ord(ch) <= 0x3FFFF for ch in r["name"]))
    ivs = sum(1 for r in recs.records if any(0xE0100 <= ord(ch) <= 0xE01EF for ch in r["name"]))
    if rare == 0 or ivs == 0:
        failures.append("the CSV has %d names outside the BMP and %d with a variation "
                        "sequence: both must be read back" % (rare, ivs))
    for f in failures[:30]:
        print("FAIL:", f)
    print("readback: %d records, %d sheets, %d print files; %d names outside the BMP and %d "
          "with a variation sequence among them; %d barcodes; %d failures"
          % (len(recs.records), sheets, len(used_files), rare, ivs,
             sum(1 for b in bars if b != "none"), len(failures)))
    return 1 if failures else 0


def check_files(recs, batch_size, files, root, used_files, failures):
    """Each print file has the pages of its batch; no print file holds no record."""
    for base in sorted(used_files):
        _, category, _, batch = base.rsplit("-", 3)
        want = sum(1 for r in recs.by_category[category]
                   if (r["serial"] - 1) // batch_size + 1 == int(batch))
        if files.get("pages", base) != [str(want)]:
            failures.append("%s.pdf: not the %d pages of its batch" % (base, want))
    for base in sorted(set(f[:-4] for f in os.listdir(os.path.join(root, "pages"))) - used_files):
        failures.append("%s.pdf: a print file no record belongs in" % base)


def check_window(r, files, base, page, bars, fail):
    """The window shows exactly the address block, and the address's customer barcode."""
    window, drawn = files.get("window", base), files.get("bars", base)
    if window is None or page > len(window) or drawn is None or page > len(drawn):
        fail("no window read")
        return
    got = squeeze(window[page - 1])
    postal = "〒%s-%s" % (r["postal"][:3], r["postal"][3:])
    parts = [("postal code", postal), ("address", r["address"]),
             ("building line", r["building"]), ("name", r["name"] + "　様")]
    want = "".join(squeeze(v) for _, v in parts)
    if got != want:
        rest = got
        for field, value in parts:  # the first field that does not read back, in print order
            value = squeeze(value)
            if not rest.startswith(value):
                fail("%s not found in the window" % field)
                break
            rest = rest[len(value):]
        else:
            fail("more text than the address block in the window")
    if drawn[page - 1] != bars:
        fail({"none": "no customer barcode in the window",
              "unreadable": "the customer barcode does not read (no row of 67 bars)"}.get(
                  drawn[page - 1], "a customer barcode other than its address's")
             if bars != "none" else "a customer barcode where none may be printed")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "bars":
        for path in sys.argv[2:]:
            print(bars_of(path))
        return 0
    if len(sys.argv) == 9 and sys.argv[1] == "check":
        return check(sys.argv[2:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
