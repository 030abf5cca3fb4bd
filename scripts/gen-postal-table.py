#!/usr/bin/env python3
"""Converts Japan Post's postal-code list, as shipped in the npm package japan-postal-code, into
the compact binary table that src/postal/postal-db.c loads (no JavaScript at run time).

usage: gen-postal-table.py PACKAGE_DIR OUTPUT [SOURCE_JSON]

PACKAGE_DIR is the unpacked npm package (package.json, index.js, zipdata/zip-NNN.js: JSONP,
one object per first three digits, code -> [prefecture id, city, town area, street?]).
SOURCE_JSON (written by scripts/fetch-postal-data) gives the registry's publish date and the
tarball's checksum; without it the date is recorded as "unknown".

What the package's entries mean (checked against the data, see docs/postal.md):
  [pref, city, town]          a town-area code (町域); parenthesised parts of KEN_ALL removed;
  [pref, city, ""]            ending in "00": the municipality's catch-all code (以下に掲載がない
                              場合); otherwise a code without a town area (一円, or
                              "○○の次に番地がくる場合"): the address goes on with the number;
  [pref, city, town, street]  a business's individual code (大口事業所個別番号).

Table layout (all integers little-endian, see src/postal/postal-db.c):
  header (64 bytes): magic "FKPOSTL1", u32 format version, u32 entry count, u32 city count,
    u32 city-town count, u32 string-pool size, u32 offsets of entries, cities, city-towns and
    strings, u32 string offsets of package name, version, publish date, tarball sha1, u32 FNV-1a
    32-bit hash of everything after the header.
  prefectures: 48 u32 string offsets (index = JIS prefecture code, 0 unused), after the header.
  entries (16 bytes each, sorted by code): u32 code, u32 town, u32 street, u16 city, u8 pref,
    u8 kind (0 town, 1 catch-all, 2 no town area, 3 business).
  cities (12 bytes each): u32 name, u32 first city-town, u16 town count, u8 pref, u8 pad.
  city-towns: u32 string offsets of the distinct town areas of each city (town codes only).
  strings: NUL-terminated UTF-8.
"""
import glob
import json
import os
import re
import struct
import sys

MAGIC = b"FKPOSTL1"
FORMAT_VERSION = 1
KIND_TOWN, KIND_CATCHALL, KIND_NOTOWN, KIND_BUSINESS = 0, 1, 2, 3


def fnv1a32(data):
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def load_prefectures(index_js):
    text = open(index_js, encoding="utf-8").read()
    m = re.search(r"PREFMAP\s*=\s*\[(.*?)\]", text, re.S)
    if not m:
        sys.exit("gen-postal-table: PREFMAP not found in index.js")
    names = re.findall(r"null|'([^']*)'", m.group(1))
    prefs = [n if n else None for n in names]
    if len(prefs) != 48 or prefs[0] is not None or prefs[13] != "東京都":
        sys.exit("gen-postal-table: unexpected PREFMAP in index.js")
    return prefs


def load_entries(zipdir):
    data = {}
    files = sorted(glob.glob(os.path.join(zipdir, "zip-*.js")))
    if not files:
        sys.exit("gen-postal-table: no zipdata/zip-*.js in " + zipdir)
    for path in files:
        text = open(path, encoding="utf-8").read().strip()
        if not (text.startswith("zipdata(") and text.endswith(");")):
            sys.exit("gen-postal-table: %s is not zipdata(...);" % path)
        for code, row in json.loads(text[len("zipdata("):-2]).items():
            if not re.fullmatch(r"[0-9]{7}", code) or code in data:
                sys.exit("gen-postal-table: bad or repeated code %r in %s" % (code, path))
            if not (3 <= len(row) <= 4) or not (1 <= row[0] <= 47):
                sys.exit("gen-postal-table: bad row for %s" % code)
            data[code] = row
    return data


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.split("\n\n")[1])
    pkgdir, output = sys.argv[1], sys.argv[2]
    source = {}
    if len(sys.argv) == 4 and os.path.exists(sys.argv[3]):
        source = json.load(open(sys.argv[3], encoding="utf-8"))
    pkg = json.load(open(os.path.join(pkgdir, "package.json"), encoding="utf-8"))
    prefs = load_prefectures(os.path.join(pkgdir, "index.js"))
    data = load_entries(os.path.join(pkgdir, "zipdata"))

    strings = bytearray(b"\0")  # offset 0 is the empty string
    string_at = {"": 0}

    def s(text):
        if text not in string_at:
            string_at[text] = len(strings)
            strings.extend(text.encode("utf-8") + b"\0")
        return string_at[text]

    # Cities: (pref, name) in first-seen code order; each with its distinct town areas.
    cities, city_index, city_towns = [], {}, {}
    for code in sorted(data):
        row = data[code]
        key = (row[0], row[1])
        if key not in city_index:
            city_index[key] = len(cities)
            cities.append(key)
            city_towns[key] = []
        if len(row) == 3 and row[2] and row[2] not in city_towns[key]:
            city_towns[key].append(row[2])
    if len(cities) > 0xFFFF:
        sys.exit("gen-postal-table: too many cities")

    entries = bytearray()
    counts = [0, 0, 0, 0]
    for code in sorted(data):
        row = data[code]
        if len(row) == 4:
            kind = KIND_BUSINESS
        elif row[2]:
            kind = KIND_TOWN
        elif code.endswith("00"):
            kind = KIND_CATCHALL
        else:
            kind = KIND_NOTOWN
        counts[kind] += 1
        street = row[3] if len(row) == 4 else ""
        entries += struct.pack("<IIIHBB", int(code), s(row[2]), s(street),
                               city_index[(row[0], row[1])], row[0], kind)

    city_bytes, town_bytes, ntowns = bytearray(), bytearray(), 0
    for key in cities:
        towns = city_towns[key]
        if len(towns) > 0xFFFF:
            sys.exit("gen-postal-table: too many towns in a city")
        city_bytes += struct.pack("<IIHBB", s(key[1]), ntowns, len(towns), key[0], 0)
        for t in towns:
            town_bytes += struct.pack("<I", s(t))
        ntowns += len(towns)

    pref_bytes = b"".join(struct.pack("<I", s(p) if p else 0) for p in prefs)
    name_off = s(pkg.get("name", ""))
    version_off = s(pkg.get("version", ""))
    date_off = s(source.get("published", "unknown"))
    sha_off = s(source.get("shasum", "unknown"))

    header_size = 64
    off_entries = header_size + len(pref_bytes)
    off_cities = off_entries + len(entries)
    off_towns = off_cities + len(city_bytes)
    off_strings = off_towns + len(town_bytes)
    body = pref_bytes + entries + city_bytes + town_bytes + strings
    header = MAGIC + struct.pack("<IIIIIIIIIIIIII", FORMAT_VERSION, len(data), len(cities),
                                 ntowns, len(strings), off_entries, off_cities, off_towns,
                                 off_strings, name_off, version_off, date_off, sha_off,
                                 fnv1a32(body))
    header += b"\0" * (header_size - len(header))
    assert len(header) == header_size
    tmp = output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(header + body)
    os.replace(tmp, output)
    print("gen-postal-table: %d codes (%d town, %d catch-all, %d no town area, %d business), "
          "%d municipalities, %s %s" % (len(data), counts[0], counts[1], counts[2], counts[3],
                                        len(cities), pkg.get("name"), pkg.get("version")))


if __name__ == "__main__":
    main()
