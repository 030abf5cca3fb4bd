#!/usr/bin/env python3
# An independent checker for `fukan sample` output: re-implements every ingest rule of
# ward-export.md and the category rules of domain.md §1–2 (第4期) from the documents, not
# from the generator's code, and prints "LINE<TAB>reason" for each row that breaks one.
#
# usage: sample-check.py FILE ENCODING FISCAL_YEAR TODAY(YYYY-MM-DD) [--categories]
# Prints the rejects on stdout, then "accepted N" and, per category, "CATEGORY N".
# With --categories, rows whose values disagree with their category are listed too,
# as "LINE<TAB>disagree".
import csv
import datetime
import io
import re
import sys

path, encoding, fiscal_year, today = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
check_categories = "--categories" in sys.argv
today = datetime.date.fromisoformat(today)
raw = open(path, "rb").read()
text = raw.decode("cp932" if encoding == "cp932" else "utf-8-sig")

FW = str.maketrans("０１２３４５６７８９－．", "0123456789-.")
ERAS = {  # first day, last day
    "M": (datetime.date(1868, 1, 25), datetime.date(1912, 7, 29), 1868),
    "T": (datetime.date(1912, 7, 30), datetime.date(1926, 12, 24), 1912),
    "S": (datetime.date(1926, 12, 25), datetime.date(1989, 1, 7), 1926),
    "H": (datetime.date(1989, 1, 8), datetime.date(2019, 4, 30), 1989),
    "R": (datetime.date(2019, 5, 1), datetime.date(9999, 12, 31), 2019),
}
ERA_NAMES = {"明治": "M", "大正": "T", "昭和": "S", "平成": "H", "令和": "R"}
ERA_CODES = {"1": "M", "2": "T", "3": "S", "4": "H", "5": "R"}


def era_date(letter, y, m, d):
    first, last, base = ERAS[letter]
    day = datetime.date(base + y - 1, m, d)  # raises on impossible dates
    if not first <= day <= last:
        raise ValueError("outside era")
    return day


def parse_date(s):
    s = s.strip().translate(FW)
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
        return datetime.date(*map(int, m.groups()))
    if m := re.fullmatch(r"(\d{4})/(\d{1,2})/(\d{1,2})", s):
        return datetime.date(*map(int, m.groups()))
    if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s):
        return datetime.date(*map(int, m.groups()))
    if m := re.fullmatch(r"(明治|大正|昭和|平成|令和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日", s):
        y = 1 if m[2] == "元" else int(m[2])
        return era_date(ERA_NAMES[m[1]], y, int(m[3]), int(m[4]))
    if m := re.fullmatch(r"([MTSHR])(\d{1,2})\.(\d{1,2})\.(\d{1,2})", s):
        return era_date(m[1], int(m[2]), int(m[3]), int(m[4]))
    if m := re.fullmatch(r"([1-5])(\d{2})(\d{2})(\d{2})", s):
        return era_date(ERA_CODES[m[1]], int(m[2]), int(m[3]), int(m[4]))
    raise ValueError("no date form")


def fy_end_age(birth, fy):
    # One's age goes up at the end of the day before the birthday.
    on = datetime.date(fy + 1, 3, 31) + datetime.timedelta(days=1)
    age = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        age -= 1
    return age


def num(s, lo, hi, required=True):
    s = s.strip().translate(FW)
    if s == "":
        if required:
            raise ValueError("missing")
        return None
    if not re.fullmatch(r"\d+(\.\d+)?", s):
        raise ValueError("not a number")
    v = float(s)
    if not lo <= v <= hi:
        raise ValueError("out of range")
    return v


URINE = {"−": 0, "-": 0, "－": 0, "±": 1, "+": 2, "＋": 2, "1+": 2, "2+": 3, "3+": 4, "4+": 5}
YESNO = {"はい": True, "1": True, "いいえ": False, "2": False}
KANA = re.compile(r"[ァ-ヶー]+[ 　][ァ-ヶー]+")

rows = list(csv.reader(io.StringIO(text, newline="")))
# csv joins physical lines of quoted fields; track where each record starts.
starts, line = [], 1
for rec in rows:
    starts.append(line)
    line += 1 + sum(f.count("\n") for f in rec)
header = rows[0]
col = {name: i for i, name in enumerate(header)}
seen_pid, seen_voucher = set(), set()
accepted = {}
fy_first, fy_last = datetime.date(fiscal_year, 4, 1), datetime.date(fiscal_year + 1, 3, 31)


def judge(r, sex, age):
    male = sex == 1
    med = r["med_bp"] or r["med_glu"] or r["med_lip"]
    c1 = r["waist"] >= (85 if male else 90)
    c2 = not c1 and r["bmi"] >= 25
    fasting, tg = r["fasting"], r["tg"]
    bp = r["sbp"] >= 130 or r["dbp"] >= 85
    lipid = (fasting == "空腹時" and tg >= 150) or (fasting == "随時" and tg >= 175) or r["hdl"] < 40
    glu = r["glucose"]
    glucose = (
        (glu is not None and fasting == "空腹時" and glu >= 100)
        or (glu is not None and fasting == "随時" and r["hba1c"] is None and glu >= 100)
        or (r["hba1c"] is not None and r["hba1c"] >= 5.6)
    )
    risks = bp + lipid + glucose
    if risks >= 1 and r["smoker"]:
        risks += 1
    if c1:
        level = "積極" if risks >= 2 else "動機" if risks == 1 else "情報"
    elif c2:
        level = "積極" if risks >= 3 else "動機" if risks >= 1 else "情報"
    else:
        level = "情報"
    if level == "積極" and 65 <= age <= 74:
        level = "動機"
    ldl, non_hdl = r["ldl"], r["non_hdl"]
    non_hdl_judged = tg >= 400 or fasting == "食直後" or ldl is None
    doctor = [
        r["sbp"] >= 140, r["dbp"] >= 90, tg >= 300,
        not non_hdl_judged and ldl >= 140,
        non_hdl_judged and non_hdl is not None and non_hdl >= 170,
        glu is not None and glu >= 126,
        r["hba1c"] is not None and r["hba1c"] >= 6.5,
        r["ast"] >= 51, r["alt"] >= 51, r["ggt"] >= 101,
        r["egfr"] is not None and r["egfr"] < 45,
        r["hb"] is not None and r["hb"] <= (12.0 if male else 11.0),
        r["upro"] >= 2,
    ]
    return med, c1 or c2, bp or lipid or glucose, level, any(doctor)


def check(rec):
    if len(rec) != len(header):
        raise ValueError("field count")
    g = lambda name: rec[col[name]].strip().strip("　")
    kind, level = g("利用券種別"), g("保健指導区分")
    if kind == "特定保健指導":
        if level not in ("積極的支援", "動機付け支援", "動機づけ支援"):
            raise ValueError("level")
        cat = "積極的支援" if level == "積極的支援" else "動機付け支援"
    elif kind in ("非肥満保健指導", "健康相談", "受診勧奨通知"):
        if level:
            raise ValueError("level not empty")
        cat = kind
    else:
        raise ValueError("category")
    pid = g("個人番号").translate(FW)
    if not re.fullmatch(r"\d{1,15}", pid):
        raise ValueError("resident number")
    name = g("氏名")
    if len(name) > 30 or not re.fullmatch(r"[^ 　]+[ 　][^ 　]+", name):
        raise ValueError("name")
    if not KANA.fullmatch(g("氏名カナ")):
        raise ValueError("kana")
    birth = parse_date(g("生年月日"))
    sex = {"1": 1, "男": 1, "2": 2, "女": 2}[g("性別")]
    age = int(g("年度末年齢"))
    if age != fy_end_age(birth, fiscal_year) or not 40 <= age <= 74:
        raise ValueError("age")
    if not re.fullmatch(r"\d{3}-?\d{4}", g("郵便番号").translate(FW)):
        raise ValueError("postal code")
    if not g("住所") or len(g("住所")) > 80 or len(g("方書")) > 40:
        raise ValueError("address")
    if not g("保険証記号") or len(g("保険証記号")) > 20:
        raise ValueError("insurance symbol")
    if not re.fullmatch(r"[0-9A-Za-z]{1,20}", g("保険証番号").translate(FW)):
        raise ValueError("insurance number")
    if g("保険証枝番") and not re.fullmatch(r"\d{2}", g("保険証枝番")):
        raise ValueError("insurance branch")
    if not re.fullmatch(r"\d{11}", g("受診券整理番号")):
        raise ValueError("ticket")
    exam = parse_date(g("受診日"))
    if not fy_first <= exam <= fy_last or exam > today:
        raise ValueError("exam date")
    voucher = g("利用券整理番号")
    if cat == "受診勧奨通知":
        if voucher:
            raise ValueError("voucher not empty")
    elif not re.fullmatch(r"\d{11}", voucher):
        raise ValueError("voucher")
    if pid.lstrip("0") in seen_pid or (voucher and voucher in seen_voucher):
        raise ValueError("duplicate")
    h, w = num(g("身長"), 100, 220), num(g("体重"), 20, 250)
    bmi = num(g("BMI"), 0, 1000)
    if abs(bmi - w / (h / 100) ** 2) > 0.2:
        raise ValueError("bmi")
    r = {"waist": num(g("腹囲"), 40, 200), "bmi": bmi}
    r["sbp"], r["dbp"] = num(g("収縮期血圧"), 60, 300), num(g("拡張期血圧"), 30, 200)
    if r["sbp"] <= r["dbp"]:
        raise ValueError("systolic")
    r["fasting"] = g("採血時間")
    if r["fasting"] not in ("空腹時", "随時", "食直後"):
        raise ValueError("sampling time")
    r["tg"], r["hdl"] = num(g("中性脂肪"), 10, 5000), num(g("HDLコレステロール"), 5, 200)
    r["ldl"] = num(g("LDLコレステロール"), 10, 600, False)
    r["non_hdl"] = num(g("Non-HDLコレステロール"), 10, 700, False)
    r["ast"], r["alt"] = num(g("AST"), 1, 5000), num(g("ALT"), 1, 5000)
    r["ggt"] = num(g("γ-GT"), 1, 5000)
    r["glucose"] = num(g("血糖"), 20, 1000, False)
    r["hba1c"] = num(g("HbA1c"), 3.0, 20.0, False)
    if r["glucose"] is None and r["hba1c"] is None:
        raise ValueError("glucose")
    URINE[g("尿糖")]
    r["upro"] = URINE[g("尿蛋白")]
    r["hb"] = num(g("血色素量"), 3.0, 25.0, False)
    num(g("血清クレアチニン"), 0.1, 20.0, False)
    r["egfr"] = num(g("eGFR"), 1, 200, False)
    r["smoker"] = YESNO[g("喫煙")]
    r["med_bp"], r["med_glu"] = YESNO[g("服薬_血圧")], YESNO[g("服薬_血糖")]
    r["med_lip"] = YESNO[g("服薬_脂質")]
    seen_pid.add(pid.lstrip("0"))
    if voucher:
        seen_voucher.add(voucher)
    med, obese, risk, lvl, doctor = judge(r, sex, age)
    agrees = {
        "積極的支援": not med and lvl == "積極",
        "動機付け支援": not med and lvl == "動機",
        "非肥満保健指導": not med and not obese and risk,
        "受診勧奨通知": (med or lvl == "情報") and doctor,
    }[cat]
    return cat, agrees


for rec, start in zip(rows[1:], starts[1:]):
    if rec == []:
        continue
    try:
        cat, agrees = check(rec)
    except (ValueError, KeyError) as e:
        print(f"{start}\t{e}")
        continue
    accepted[cat] = accepted.get(cat, 0) + 1
    if check_categories and not agrees:
        print(f"{start}\tdisagree")
print(f"accepted {sum(accepted.values())}")
for cat, n in sorted(accepted.items()):
    print(f"{cat} {n}")
