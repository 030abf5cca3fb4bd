#!/usr/bin/env python3
"""Compares fukan's customer barcodes with zint's, bar by bar, for generated addresses.

usage: postal_zint.py FUKAN PACKAGE_DIR [COUNT]

Addresses are generated (seeded, so every run checks the same ones) from real town areas of
the npm package's postal-code list, read here directly, not through fukan's table. Each is
written in one of the styles the ward's export has (丁目-番-号 in arabic, kanji or full-width
digits, 番地の, hyphens, buildings with rooms, floors, letters), with the display number it
must give worked out from its parts. fukan must give that display number, and its 67 bars
must equal the ones `zint -b JAPANPOST --dump` draws for the postal code + display number.

zint (2.11.1 here) takes A-Z and pads with CC4 itself, but refuses data past 20 places, so
the rare case where Japan Post's rule keeps a letter's control code alone on the 20th place
cannot be drawn by zint: such addresses are counted and left out of the zint comparison
(tests/unit/test-custbar.c checks that case against the manual's example). zint computes
the check digit right when the sum is divisible by 19; those cases are counted and must be
among the compared ones.
"""
import json
import os
import random
import re
import subprocess
import sys

KANJI_DIGITS = "〇一二三四五六七八九"
FULLWIDTH = str.maketrans("0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                          "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ")
NUMERAL_CHARS = set("0123456789０１２３４５６７８９〇一二三四五六七八九十百千")
BUILDINGS = ["コーポ", "ハイツ", "メゾン", "レジデンス", "グリーンヒル", "サンライズ", "郵便荘",
             "さくら館", "ABCビル", "SKYタワー"]


def kanji(n):
    """Kanji numeral as addresses write it: 十一, 二十一, 百一, 千二百三."""
    if n == 0:
        return "〇"
    out = ""
    for value, mark in ((1000, "千"), (100, "百"), (10, "十")):
        d, n = divmod(n, value)
        if d:
            out += ("" if d == 1 else KANJI_DIGITS[d]) + mark
    return out + (KANJI_DIGITS[n] if n else "")


def load_towns(pkgdir):
    text = open(os.path.join(pkgdir, "index.js"), encoding="utf-8").read()
    prefs = re.findall(r"null|'([^']*)'", re.search(r"PREFMAP\s*=\s*\[(.*?)\]", text, re.S).group(1))
    data = {}
    zipdir = os.path.join(pkgdir, "zipdata")
    for name in sorted(os.listdir(zipdir)):
        t = open(os.path.join(zipdir, name), encoding="utf-8").read().strip()
        data.update(json.loads(t[len("zipdata("):-2]))
    by_city = {}
    for code, row in data.items():
        if len(row) == 3 and row[2]:
            by_city.setdefault((row[0], row[1]), set()).add(row[2])
    towns = []
    for code in sorted(data):
        row = data[code]
        if len(row) != 3 or not row[2] or code.endswith("00"):
            continue
        town = row[2]
        if town[-1] in NUMERAL_CHARS:
            continue  # "浦臼第１" + "12番地" is ambiguous on paper too
        if any(o != town and o.startswith(town) for o in by_city[(row[0], row[1])]):
            continue  # a longer town area of the same city could swallow the number
        towns.append((code, prefs[row[0]], row[1], town))
    return towns


def number_part(rng):
    """Returns (text, display) for the 丁目/番地/号 part."""
    c, b, g = rng.randint(1, 20), rng.randint(1, 40), rng.randint(1, 30)
    n, m = rng.randint(1, 3000), rng.randint(1, 99)
    style = rng.randrange(9)
    if style == 0:
        return "%d丁目%d番%d号" % (c, b, g), "%d-%d-%d" % (c, b, g)
    if style == 1:
        return "%d-%d-%d" % (c, b, g), "%d-%d-%d" % (c, b, g)
    if style == 2:
        return "%s丁目%s番%s号" % (kanji(c), kanji(b), kanji(g)), "%d-%d-%d" % (c, b, g)
    if style == 3:
        return ("%d丁目%d-%d" % (c, b, g)).translate(FULLWIDTH), "%d-%d-%d" % (c, b, g)
    if style == 4:
        return "%d番地" % n, "%d" % n
    if style == 5:
        return "%d番地の%d" % (n, m), "%d-%d" % (n, m)
    if style == 6:
        return "%s番地%d" % (kanji(n), m), "%d-%d" % (n, m)
    if style == 7:
        return "%d丁目%d-%d" % (c, b, g), "%d-%d-%d" % (c, b, g)
    return "%dー%dー%d" % (c, b, g), "%d-%d-%d" % (c, b, g)  # long-vowel marks as dashes


def building_part(rng):
    """Returns (text, display) for a building line, display "" when it has no number."""
    name = rng.choice(BUILDINGS)
    room, floor = rng.randint(101, 1205), rng.randint(1, 30)
    letter = chr(ord("A") + rng.randrange(26))
    style = rng.randrange(7)
    if style == 0:
        return "", ""
    if style == 1:
        return "%s%d号室" % (name, room), "%d" % room
    if style == 2:
        return "%s %s棟%d" % (name, letter, room), "%s%d" % (letter, room)
    if style == 3:
        return "%s%dF" % (name, floor), "%d" % floor
    if style == 4:
        return "%s%s-%d" % (name, letter.lower(), room), "%s%d" % (letter, room)
    if style == 5:
        return ("%s%d" % (name, room)).translate(FULLWIDTH), "%d" % room
    return "%s・%s&%s %d" % (name, letter, letter.lower(), room), "%d" % room


def join(number, building):
    if not building:
        return number
    return number + building if building[0].isalpha() else number + "-" + building


def places(display):
    return sum(2 if ch.isalpha() else 1 for ch in display)


def zint_data(code, display):
    """The postal code and as much of the display number as Japan Post's 20 places hold, as
    zint takes them; None when the rule keeps a letter's control code alone on the 20th place
    (zint cannot draw that case)."""
    data, used = "", 7
    for ch in display:
        need = 2 if ch.isalpha() else 1
        if used + need > 20:
            break
        data += ch
        used += need
    if used == 19 and places(display) > 13 and display[len(data)].isalpha():
        return None
    return code + data


def zint_bars(data):
    out = subprocess.run(["zint", "-b", "JAPANPOST", "--dump", "-d", data],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    return bars_from_dump(out[:3])


def bars_from_dump(out):
    """The 67 bars (L A D T) of the three rows `zint --dump` writes for one symbol."""
    rows = []
    for r in out[:3]:
        hexs = r.replace(" ", "")
        rows.append(bin(int(hexs, 16))[2:].zfill(len(hexs) * 4))
    bars = ""
    for i in range(0, 133, 2):  # bars on even modules; rows: ascender, tracker, descender
        top, bottom = rows[0][i] == "1", rows[2][i] == "1"
        bars += "L" if top and bottom else "A" if top else "D" if bottom else "T"
    return bars


def char_values(code, display):
    vals = [int(d) for d in code]
    for ch in display:
        if ch.isdigit():
            vals.append(int(ch))
        elif ch == "-":
            vals.append(10)
        else:
            o = ord(ch) - ord("A")
            vals += [11 + o // 10, o % 10]
    vals = vals[:20]
    return vals + [14] * (20 - len(vals))


def main():
    fukan, pkgdir = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    rng = random.Random(20240401)
    towns = load_towns(pkgdir)
    cases = []
    for code, pref, city, town in rng.sample(towns, count):
        number, ndisp = number_part(rng)
        building, bdisp = building_part(rng)
        head = rng.choice([pref + city, city, pref + city + " ", pref + " " + city])
        display = join(ndisp, bdisp)
        postal = rng.choice([code, code[:3] + "-" + code[3:]])
        if building and rng.random() < 0.5:
            cases.append((postal, head + town + number + " " + building, "", code, display))
        else:
            cases.append((postal, head + town + number, building, code, display))
    lines = "".join("%s\t%s\t%s\n" % c[:3] for c in cases)
    run = subprocess.run([fukan, "postcode", "--batch"], input=lines, capture_output=True,
                         text=True)
    results = run.stdout.split("\n")
    failures, compared, split_letter, sum0 = [], 0, 0, 0
    for i, (postal, address, building, code, display) in enumerate(cases):
        got = results[i].split("\t") if i < len(results) else ["missing"]
        if got[0] != "ok" or got[1] != display:
            failures.append("%s %s | %s: got %r, expected display %r" %
                            (postal, address, building, got, display))
            continue
        data = zint_data(code, display)
        if data is None:
            split_letter += 1  # the letter's control code alone on the 20th place
            continue
        if sum(char_values(code, display)) % 19 == 0:
            sum0 += 1
        want = zint_bars(data)
        compared += 1
        if got[3] != want:
            failures.append("%s %s: bars differ\n  fukan %s\n  zint  %s" %
                            (code, data[7:], got[3], want))
    for f in failures[:10]:
        print("FAIL:", f)
    print("postal-zint: %d addresses, %d compared bar by bar with zint (%d with a check-digit "
          "sum divisible by 19), %d left out (a letter's control code alone on the 20th "
          "place), %d failures" % (len(cases), compared, sum0, split_letter, len(failures)))
    if failures or sum0 == 0 or compared < len(cases) * 0.9:
        sys.exit(1)


if __name__ == "__main__":
    main()
