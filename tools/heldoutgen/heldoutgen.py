#!/usr/bin/env python3
"""heldoutgen: an independent relevance probe for camreg's search (issue #13).

Written apart from search/internal/corpusgen on purpose (another language,
another random stream, another person's idea of what people type), so that
its blind spots are not the code's. It reads search/testdata/corpus.json and
writes search/testdata/heldout2.json: queries as they are typed on a phone by
inspectors and buyers, each with the records that answer it and the rule that
says so ("same"), which searchtest's widening applies to the national
distractors too:

  nearest       the models nearest the typed key (a slip of one character)
  key           the models with the typed key
  key_contains  the models whose key holds the typed piece
  name          traders with the shop's name (a province written after it
                counts as the name too)
  address       traders at the address; address_province: and in the province
  tax           traders with the tax code's first ten digits

Usage: python3 tools/heldoutgen/heldoutgen.py [corpus.json] [out.json]
(HELDOUT_SEED=N for another draw: a fresh probe of code fixed against this one)
"""

import json
import os
import random
import re
import sys
import unicodedata

SEED = int(os.environ.get("HELDOUT_SEED", "1207"))  # not corpusgen's; another seed, a fresh probe
VOCAB = set()  # the folded words of every trader's name
rng = random.Random(SEED)

# ---------------------------------------------------------------- folding


def fold_text(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.lower()


def key(s):
    return re.sub(r"[^a-z0-9]", "", fold_text(unicodedata.normalize("NFKC", s)))


def words(s):
    return re.findall(r"[a-z0-9]+", fold_text(s))


CONF = {"o": "0", "i": "1", "l": "1", "s": "5", "b": "8", "z": "2"}


def merged(c):
    return CONF.get(c, c)


def half_distance(a, b):
    """Weighted OSA in half edits, confusable substitutions cost 1."""
    n, m = len(a), len(b)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = 2 * i
    for j in range(m + 1):
        d[0][j] = 2 * j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if a[i - 1] == b[j - 1]:
                sc = 0
            elif merged(a[i - 1]) == merged(b[j - 1]):
                sc = 1
            else:
                sc = 2
            v = min(d[i - 1][j] + 2, d[i][j - 1] + 2, d[i - 1][j - 1] + sc)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and a[i - 1] != a[i - 2]:
                v = min(v, d[i - 2][j - 2] + 2)
            d[i][j] = v
    return d[n][m]


def plain_osa(a, b, cap=4):
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    return half_distance_plain(a, b)


def half_distance_plain(a, b):
    n, m = len(a), len(b)
    prev2 = None
    prev = list(range(m + 1))
    for i in range(1, n + 1):
        cur = [i] + [0] * m
        for j in range(1, m + 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        prev2, prev = prev, cur
    return prev[m]


# ------------------------------------------------------- a phone's keyboard

ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
POS = {}
for r, row in enumerate(ROWS):
    for c, ch in enumerate(row):
        POS[ch] = (r, c + (0.5 * r if r > 0 else 0))


def neighbours(ch):
    lo = ch.lower()
    if lo not in POS:
        return []
    r, c = POS[lo]
    out = []
    for o, (r2, c2) in POS.items():
        if o != lo and abs(r2 - r) <= 1 and abs(c2 - c) <= 1.01 and (r2 == r or abs(c2 - c) <= 0.75):
            # a letter's neighbours are letters, a digit's digits (the
            # phone's number row is a layer of its own)
            if o.isdigit() == lo.isdigit():
                out.append(o.upper() if ch.isupper() else o)
    return out


VISUAL = {"O": "0", "0": "O", "I": "1", "1": "I", "l": "1", "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2", "2": "Z"}


def alnum_positions(s):
    return [i for i, c in enumerate(s) if c.isalnum()]


def slip(s, how):
    """One wrong character in s, of the kind how, or None."""
    ps = alnum_positions(s)
    if len(ps) < 3:
        return None
    if how == "sub":
        for _ in range(20):
            i = rng.choice(ps)
            ns = neighbours(s[i])
            if ns:
                return s[:i] + rng.choice(ns) + s[i + 1:]
    elif how == "ins":
        i = rng.choice(ps)
        if rng.random() < 0.5:
            return s[:i] + s[i] + s[i:]  # a doubled key
        ns = neighbours(s[i])
        if ns:
            return s[:i + 1] + rng.choice(ns) + s[i + 1:]
    elif how == "del":
        i = rng.choice(ps)
        return s[:i] + s[i + 1:]
    elif how == "swap":
        pairs = [i for i in range(len(s) - 1) if s[i].isalnum() and s[i + 1].isalnum() and s[i].lower() != s[i + 1].lower()]
        if pairs:
            i = rng.choice(pairs)
            return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    elif how == "confusable":
        cands = [i for i in ps if s[i] in VISUAL or s[i].upper() in VISUAL]
        if cands:
            i = rng.choice(cands)
            c = s[i]
            r = VISUAL.get(c) or VISUAL.get(c.upper())
            if c == "1" and rng.random() < 0.4:
                r = "l"
            return s[:i] + r + s[i + 1:]
    return None


# --------------------------------------------------- how people write it

DASHES = ["\u2010", "\u2011", "\u2013", "\u2014", "\u2212"]


def written(mn):
    """The model number as someone writes it: case, dashes, spaces."""
    r = rng.random()
    if r < 0.25:
        return mn.lower()
    if r < 0.4:
        return key(mn)
    if r < 0.55:
        return mn.replace("-", " ")
    if r < 0.7:
        return mn.replace("-", rng.choice(DASHES))
    if r < 0.8:
        return mn[:1] + mn[1:].lower()  # the phone's capital first letter
    return mn


ALIASES = {
    "Hikvision": ["HIK", "Hik", "hikvision", "HIKVISION", "hik vision", "海康", "海康威视", "Hikvison", "hikvission"],
    "Dahua": ["DH", "dahua", "DAHUA", "大华", "Dahuaa", "dahau"],
    "KBVision": ["KBVision", "KB Vision", "kbvision", "KB-Vision", "kbvison", "KBvison"],
    "Imou": ["imou", "IMOU", "Imou Dahua"],
    "EZVIZ": ["ezviz", "Ezviz", "EZ VIZ", "ezvis"],
    "TP-Link": ["tplink", "TP Link", "tp-link", "TPLINK", "Tplink"],
    "Uniview": ["UNV", "uniview", "Uniview"],
    "Hanwha": ["Hanwha Vision", "Wisenet", "hanwha", "Samsung Wisenet"],
    "Xiaomi": ["xiaomi", "Mi", "Mijia", "XIAOMI"],
    "Viettel": ["viettel", "Viettel"],
    "Vantech": ["vantech", "VANTECH", "Van tech"],
    "Panasonic": ["panasonic", "Panasonic"],
    "Yoosee": ["yoosee", "Yoosee"],
    "Questek": ["questek", "Questek"],
}


def brand_of_model(m):
    mn = m["model_number"]
    if m["brand"] == "TP-Link" and mn.startswith("Tapo"):
        return ["TP-Link", "tplink", "TP Link"]  # the number holds "Tapo"
    if m["brand"] == "TP-Link" and mn.startswith("VIGI"):
        return ["tp-link", "TP Link", "Tplink"]
    return ALIASES.get(m["brand"], [m["brand"], m["brand"].lower()])


# -------------------------------------------------------------- Telex, VNI

TONES = {"\u0301": ("s", "1"), "\u0300": ("f", "2"), "\u0309": ("r", "3"), "\u0303": ("x", "4"), "\u0323": ("j", "5")}
SHAPES = {"â": ("aa", "a6"), "ê": ("ee", "e6"), "ô": ("oo", "o6"), "ă": ("aw", "a8"), "ơ": ("ow", "o7"), "ư": ("uw", "u7"), "đ": ("dd", "d9")}


def telex_word(w, vni=False):
    """w as typed with Telex (or VNI) keys and the input method off."""
    tone = ""
    out = []
    for ch in unicodedata.normalize("NFD", w):
        if ch in TONES:
            tone = TONES[ch][1 if vni else 0]
            continue
        out.append(ch)
    base = unicodedata.normalize("NFC", "".join(out))
    res = []
    for ch in base:
        lo = ch.lower()
        if lo in SHAPES:
            t = SHAPES[lo][1 if vni else 0]
            res.append(t[0].upper() + t[1:] if ch.isupper() else t)
        else:
            res.append(ch)
    return "".join(res) + tone


def has_marks(w):
    return fold_text(w) != w.lower()


def telexify(text, share=0.6):
    ws = text.split(" ")
    vni = rng.random() < 0.2
    done = False

    def typed(w):
        core = w.rstrip(",.;:")  # the tone key goes before the comma
        return telex_word(core, vni) + w[len(core):]

    for i, w in enumerate(ws):
        if has_marks(w) and rng.random() < share:
            ws[i] = typed(w)
            done = True
    if not done:
        for i, w in enumerate(ws):
            if has_marks(w):
                ws[i] = typed(w)
                break
    return " ".join(ws)


def strip_marks(text):
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")) if not unicodedata.combining(c)))


def word_slip(text, protect=()):
    """One phone slip in one word of text that is a word of letters, four
    or more long: a neighbour key, a doubled letter, a letter dropped, two
    swapped, or a space lost between two words."""
    ws = text.split(" ")
    if len(ws) > 2 and rng.random() < 0.2:
        i = rng.randrange(len(ws) - 1)
        if ws[i].isalpha() and ws[i + 1].isalpha():
            return " ".join(ws[:i] + [ws[i] + ws[i + 1]] + ws[i + 2:])
    cands = [i for i, w in enumerate(ws) if len(w) >= 4 and w.isalpha() and fold_text(w) not in protect]
    if not cands:
        return None
    i = rng.choice(cands)
    w = ws[i]
    how = rng.choice(["sub", "ins", "del", "swap"])
    j = rng.randrange(1, len(w))  # people get the first letter right
    if how == "sub":
        ns = neighbours(strip_marks(w[j]))
        if not ns:
            return None
        w = w[:j] + rng.choice(ns) + w[j + 1:]
    elif how == "ins":
        w = w[:j] + w[j] + w[j:]
    elif how == "del":
        w = w[:j] + w[j + 1:]
    else:
        if j + 1 >= len(w) or w[j] == w[j + 1]:
            return None
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    if fold_text(w) in VOCAB:
        return None  # the slip made another shop's word ("Anh" -> "An")
    ws[i] = w
    return " ".join(ws)


# -------------------------------------------------------------- the probe


def main():
    corpus_path = sys.argv[1] if len(sys.argv) > 1 else "search/testdata/corpus.json"
    out_path = sys.argv[2] if len(sys.argv) > 2 else "search/testdata/heldout2.json"
    c = json.load(open(corpus_path, encoding="utf-8"))
    models, orgs = c["models"], c["organizations"]
    for o in orgs:
        VOCAB.update(words(o["name"]))
    mkeys = [key(m["model_number"]) for m in models]
    bkeys = [key(m["brand"]) for m in models]

    # Dense families: models with ten or more siblings of the same brand
    # within three edits (plain OSA) of their key.
    dense = []
    for i, k in enumerate(mkeys):
        sib = 0
        for j, k2 in enumerate(mkeys):
            if i != j and bkeys[i] == bkeys[j] and abs(len(k) - len(k2)) <= 3 and half_distance_plain(k, k2) <= 3:
                sib += 1
        if sib >= 10:
            dense.append(i)
    rng.shuffle(dense)
    others = [i for i in range(len(models)) if i not in set(dense)]
    rng.shuffle(others)

    out = []
    seen = set()

    def add(q, kind, want, same):
        q = q.strip()
        if not q or (q, kind) in seen or not want:
            return False
        seen.add((q, kind))
        out.append({"q": q, "kind": kind, "want": sorted(set(want)), "same": same})
        return True

    def nearest(text, target):
        """The models nearest the typed text (read with and without a
        leading brand), if target is among them."""
        k = key(text)
        best, ids = None, []
        for i, mk in enumerate(mkeys):
            d = half_distance(k, mk) if abs(len(k) - len(mk)) <= 4 else 99
            bk = bkeys[i]
            if k.startswith(bk) and len(k) > len(bk):
                d = min(d, half_distance(k[len(bk):], mk))
            for a in brand_of_model(models[i]):
                ak = key(a)
                if ak and k.startswith(ak) and len(k) > len(ak):
                    d = min(d, half_distance(k[len(ak):], mk))
            if best is None or d < best:
                best, ids = d, [models[i]["id"]]
            elif d == best:
                ids.append(models[i]["id"])
        return ids if models[target]["id"] in ids and best > 0 else None

    # Model numbers with one wrong character, in dense families.
    plan = [("sub", 70), ("ins", 45), ("del", 45), ("swap", 45), ("confusable", 45)]
    pool = iter(dense * 4)
    for how, n in plan:
        made = 0
        while made < n:
            i = next(pool)
            m = models[i]
            typed = slip(m["model_number"], how)
            if typed is None or key(typed) == mkeys[i]:
                continue
            r = rng.random()
            if r < 0.35:
                text = rng.choice(brand_of_model(m)) + " " + written(typed)
            elif r < 0.5:
                text = "camera " + written(typed)
            else:
                text = written(typed)
            want = nearest(text, i)
            if want and add(text, "ho_slip_" + how, want, "nearest"):
                made += 1

    # Variants of the right number: case, dashes, spaces, Unicode dashes.
    made = 0
    for i in dense[:40] + others[:40]:
        m = models[i]
        mn = m["model_number"]
        forms = [mn.lower(), key(mn).upper(), mn.replace("-", " "), mn.replace("-", rng.choice(DASHES)),
                 mn.replace("-", ""), " ".join(re.findall(r"[A-Za-z]+|[0-9]+", mn))]
        text = rng.choice(forms)
        if rng.random() < 0.3:
            text = rng.choice(brand_of_model(m)) + " " + text
        want = [models[j]["id"] for j, k in enumerate(mkeys) if k == mkeys[i]]
        if add(text, "ho_variant", want, "key"):
            made += 1

    # Partial model numbers: the vendor's prefix left off, or the tail.
    made = 0
    for i in dense + others:
        if made >= 50:
            break
        mn = models[i]["model_number"]
        parts = re.split(r"[-\s]", mn)
        if len(parts) < 2:
            continue
        if rng.random() < 0.6:
            piece = "-".join(parts[1:])  # DS-2CD2143G2-IU -> 2CD2143G2-IU
        else:
            piece = "-".join(parts[:-1])  # -> DS-2CD2143G2
        pk = key(piece)
        if len(pk) < 5:
            continue
        want = [models[j]["id"] for j, k in enumerate(mkeys) if pk in k]
        if len(want) > 3:
            continue
        if add(rng.choice([piece, piece.lower()]), "ho_partial", want, "key_contains"):
            made += 1

    # Brand aliases, the number written right (or with a slip).
    made = 0
    aliased = [i for i in dense + others if models[i]["brand"] in ALIASES]
    rng.shuffle(aliased)
    for i in aliased:
        if made >= 60:
            break
        m = models[i]
        alias = rng.choice(brand_of_model(m))
        text = alias + " " + written(m["model_number"])
        want = [models[j]["id"] for j, k in enumerate(mkeys) if k == mkeys[i]]
        if add(text, "ho_brand_alias", want, "key"):
            made += 1

    # Traders. The name's rule: the folded name, or the name with its
    # province after it.
    def name_want(name_folded):
        return [o["id"] for o in orgs if " ".join(words(o["name"])) == name_folded
                or " ".join(words(o["name"]) + words(o["province_name"])) == name_folded]

    PROV_ABBR = {"Hồ Chí Minh": ["TP.HCM", "tphcm", "HCM", "Sài Gòn"], "Hà Nội": ["HN", "ha noi", "Hà Nội"],
                 "Đà Nẵng": ["ĐN", "Đà Nẵng", "da nang"], "Hải Phòng": ["HP", "Hải Phòng"], "Cần Thơ": ["Cần Thơ", "CT"]}

    shops = orgs[:]
    rng.shuffle(shops)
    it = iter(shops * 3)

    def next_shop():
        return next(it)

    # Without diacritics, lower case, perhaps the province after it.
    made = 0
    while made < 40:
        o = next_shop()
        name = o["name"]
        text = strip_marks(name)
        if rng.random() < 0.6:
            text = text.lower()
        nf = " ".join(words(name))
        if add(text, "ho_shop_plain", name_want(nf), "name"):
            made += 1

    # Telex or VNI left in, the input method off.
    made = 0
    while made < 40:
        o = next_shop()
        text = telexify(o["name"])
        if rng.random() < 0.5:
            text = text.lower()
        nf = " ".join(words(o["name"]))
        if add(text, "ho_shop_telex", name_want(nf), "name"):
            made += 1

    # A slip of the thumb in the name, without diacritics half the time.
    made = 0
    province_words = {w for o in orgs for w in words(o["province_name"])}
    while made < 45:
        o = next_shop()
        base = o["name"] if rng.random() < 0.5 else strip_marks(o["name"]).lower()
        text = word_slip(base, protect=province_words)
        if text is None:
            continue
        nf = " ".join(words(o["name"]))
        if add(text, "ho_shop_typo", name_want(nf), "name"):
            made += 1

    # Addresses, as people write them on a form or a map.
    def addr_want(o, with_province):
        af = " ".join(words(o["address"]))
        return [x["id"] for x in orgs if " ".join(words(x["address"])) == af
                and (not with_province or x["province_code"] == o["province_code"])]

    made = 0
    while made < 60:
        o = next_shop()
        addr = o["address"]
        m = re.match(r"^(\S+) (.+), (Phường|Xã) (.+)$", addr)
        if not m:
            continue
        num, street, kind, ward = m.groups()
        short = {"Phường": rng.choice(["P.", "P. ", "p.", "P ", "phường ", "F."]), "Xã": rng.choice(["X.", "x. ", "Xã ", "xa "])}[kind]
        if short == "F.":
            short = "P."
        form = rng.randrange(6)
        if form == 0:
            text = f"{num} {street}, {short}{ward}"
        elif form == 1:
            text = f"số {num} {street}, {kind} {ward}"
        elif form == 2:
            text = f"{num} {street} {short}{ward}"
        elif form == 3:
            text = f"{num} {street},{short}{ward}"
        elif form == 4:
            text = f"{num} đường {street}, {short}{ward}, Q.{rng.randint(1, 12)}"
        else:
            text = f"{num} {street} {kind.lower()} {ward}"
        with_province = rng.random() < 0.45
        if with_province:
            p = o["province_name"]
            text += ", " + rng.choice(PROV_ABBR.get(p, [p, "tỉnh " + p, "T. " + p]))
        r = rng.random()
        if r < 0.4:
            text = strip_marks(text)
        elif r < 0.5:
            text = strip_marks(text).lower()
        elif r < 0.6:
            text = telexify(text, 0.4)
        if add(text, "ho_address", addr_want(o, with_province), "address_province" if with_province else "address"):
            made += 1

    # Tax codes: spaced, dashed, behind MST, a branch's suffix.
    made = 0
    while made < 45:
        o = next_shop()
        t = o["tax_code"]
        form = rng.randrange(7)
        if form == 0:
            text = f"{t[:4]} {t[4:7]} {t[7:]}"
        elif form == 1:
            text = f"MST: {t}"
        elif form == 2:
            text = f"{t}-{rng.randint(1, 20):03d}"
        elif form == 3:
            text = f"mst {t} - {rng.randint(1, 9):03d}"
        elif form == 4:
            text = " ".join(t)
        elif form == 5:
            text = f"MST{t}"
        else:
            text = f"{t[:2]}.{t[2:5]}.{t[5:]}"
        want = [x["id"] for x in orgs if x["tax_code"] == t]
        if add(text, "ho_tax_code", want, "tax"):
            made += 1

    rng.shuffle(out)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(q, ensure_ascii=False) for q in out))
        f.write("\n]\n")
    by = {}
    for q in out:
        by[q["kind"]] = by.get(q["kind"], 0) + 1
    print(len(out), "queries", dict(sorted(by.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
