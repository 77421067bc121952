#!/usr/bin/env python3
"""Checks real-world country names against the country lookup of src/reference.rs.

    python3 tests/reference/check_country_names.py [--variants FILE] [--markdown]
        Reads tests/reference/country-names.tsv and reference/paesi.csv, emulates
        `Countries::lookup` and lists (a) names counted as a different country
        than their iso2 and (b) names not recognised at all. With --variants
        (an `iso2<TAB>variant` file such as paesi-variants-proposed.tsv) the
        variants are first appended to the `varianti` column, in memory only,
        and checked for collisions with other countries' keys and codes.
        Exit status 1 if any name lands on a different country.

    --respelt also emulates `Countries::respelt` (the `&`, `St.`, `A/B`
    re-reading being added to src/reference.rs next to this commit).

    python3 tests/reference/check_country_names.py build --cldr DIR --anpr FILE
        Rebuilds country-names.tsv from the sources (see the report for
        versions): DIR is an unpacked npm `cldr-localenames-full` package,
        FILE is `codicefiscale/data/countries.json` of PyPI
        `python-codicefiscale`; Debian `iso-codes` is read from /usr/share.

The emulation follows src/text.rs `fold` and src/reference.rs as of this
commit: `fold` keeps only alphanumerics, lower-cased, after NFD with every
combining mark (general category M*) dropped; a trimmed value of 2 or 3 ASCII
letters that is an alpha-2 or alpha-3 code wins; otherwise the folded value is
looked up among `nome` (inserted, overwriting), `nome_en` and `varianti` (both
inserted only when the key is still free), row by row in file order.
Known gap: Rust's `char::is_alphanumeric` also keeps a few symbols with the
Other_Alphabetic property (e.g. circled letters) that Python's `isalnum`
drops; no country name has one.
"""

import argparse
import gettext
import json
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PAESI = os.path.join(ROOT, "reference", "paesi.csv")
NAMES = os.path.join(HERE, "country-names.tsv")


def fold(s):
    """src/text.rs `fold`."""
    if s.isascii():
        return "".join(c.lower() for c in s if c.isascii() and c.isalnum())
    out = []
    for c in unicodedata.normalize("NFD", s):
        if unicodedata.category(c).startswith("M"):
            continue
        if c.isalnum():
            out.append(c.lower())
    return "".join(out)


def rust_trim(s):
    # str::trim: Unicode White_Space at both ends.
    return s.strip()


def read_paesi(extra=None):
    rows = []
    with open(PAESI, encoding="utf-8") as f:
        next(f)
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            p = line.split(";")
            while len(p) < 5:
                p.append("")
            rows.append(p)
    if extra:
        for p in rows:
            add = [v for (iso2, v) in extra if iso2 == p[0]]
            if add:
                p[4] = "|".join([v for v in p[4].split("|") if v.strip()] + add)
    return rows


class Lookup:
    """Countries::parse + Countries::lookup."""

    def __init__(self, rows):
        self.iso2 = [p[0].strip() for p in rows]
        self.names = {}
        self.codes = {}
        for i, p in enumerate(rows):
            iso2, iso3, nome, nome_en = (x.strip() for x in p[:4])
            self.names[fold(nome)] = (i, False)
            self.names.setdefault(fold(nome_en), (i, False))
            for v in p[4].split("|"):
                if v.strip():
                    self.names.setdefault(fold(v), (i, True))
            self.codes[iso2.upper()] = i
            self.codes[iso3.upper()] = i

    def __call__(self, s):
        t = rust_trim(s)
        b = t.encode("utf-8")
        if len(b) in (2, 3) and t.isascii() and t.isalpha():
            i = self.codes.get(t.upper())
            if i is not None:
                return self.iso2[i], "code"
        hit = self.names.get(fold(t))
        if hit is None:
            if self.with_respelt:
                i = self.respelt(t)
                if i is not None:
                    return self.iso2[i], "respelt"
            return None, None
        return self.iso2[hit[0]], "variant" if hit[1] else "exact"

    with_respelt = False

    def respelt(self, t):
        """`Countries::respelt` of the working tree being written next to this
        commit (not in HEAD): `&` read as « e »/« and », a word `St.`/`St` as
        Saint/Santa/San/Sant'/Sankt, `A/B` when both halves name one country;
        taken only when every reading that names a country names the same."""
        def name(x):
            h = self.names.get(fold(x))
            return None if h is None else h[0]
        if "/" in t:
            ids = [name(p.strip()) for p in t.split("/")]
            return ids[0] if ids[0] is not None and all(i == ids[0] for i in ids) else None
        readings = []
        if "&" in t:
            readings += [t.replace("&", " e "), t.replace("&", " and ")]
        words = t.split()
        st = lambda w: w.lower() in ("st.", "st")
        if any(st(w) for w in words):
            for saint in ("Saint", "Santa", "San", "Sant'", "Sankt"):
                r = " ".join(saint if st(w) else w for w in words)
                readings += [r.replace("&", " and "), r.replace("&", " e ")]
        found = [i for i in (name(r) for r in readings) if i is not None]
        return found[0] if found and all(i == found[0] for i in found) else None


def read_tsv(path):
    out = []
    with open(path, encoding="utf-8") as f:
        header = next(f).rstrip("\n").split("\t")
        for line in f:
            line = line.rstrip("\n")
            if line:
                out.append(dict(zip(header, line.split("\t"))))
    return out


def check(args):
    extra = None
    if args.variants:
        extra = [(r["iso2"], r["variant"]) for r in read_tsv(args.variants)]
    rows = read_paesi(extra)
    look = Lookup(rows)
    look.with_respelt = args.respelt
    wrong, unknown = [], []
    for r in read_tsv(NAMES):
        got, how = look(r["name"])
        if got is None:
            unknown.append(r)
        elif got != r["iso2"]:
            wrong.append((r, got, how))
    problems = 0
    if extra:
        # A proposed variant must not fold to another country's key or code.
        base = Lookup(read_paesi())
        seen = {}
        for iso2, v in extra:
            k = fold(v)
            owner = base.names.get(k)
            if owner and base.iso2[owner[0]] != iso2:
                print(f"COLLISION: {iso2} «{v}» folds to «{k}», a key of {base.iso2[owner[0]]}")
                problems += 1
            t = rust_trim(v)
            if len(t.encode()) in (2, 3) and t.isascii() and t.isalpha():
                print(f"CODE-SHAPED: {iso2} «{v}» is 2-3 letters, read as a code first")
                problems += 1
            if k in seen and seen[k] != iso2:
                print(f"COLLISION: «{v}» proposed for {iso2} and {seen[k]}")
                problems += 1
            seen[k] = iso2
            if owner and base.iso2[owner[0]] == iso2:
                print(f"REDUNDANT: {iso2} «{v}» is already recognised")
    md = args.markdown
    print(f"{len(read_tsv(NAMES))} names; {len(wrong)} counted as another country; {len(unknown)} not recognised")
    print()
    print("(a) counted as a different country" if not md else "### (a) Counted as a different country")
    print()
    if md and wrong:
        print("| name | iso2 | counted as | by | source |")
        print("|---|---|---|---|---|")
    for r, got, how in wrong:
        if md:
            print(f"| {r['name']} | {r['iso2']} | {got} | {how} | {r['source']} |")
        else:
            print(f"  {r['name']!r}: {r['iso2']} -> {got} ({how}; {r['source']})")
    print()
    print("(b) not recognised" if not md else "### (b) Not recognised")
    print()
    if md and unknown:
        print("| name | iso2 | source |")
        print("|---|---|---|")
    for r in unknown:
        if md:
            print(f"| {r['name']} | {r['iso2']} | {r['source']} |")
        else:
            print(f"  {r['name']!r}: {r['iso2']} ({r['source']})")
    return 1 if (wrong or problems) else 0


def build(args):
    iso = json.load(open("/usr/share/iso-codes/json/iso_3166-1.json", encoding="utf-8"))["3166-1"]
    # ISO 3166-1 entries (and Kosovo) only: CLDR's other user-assigned codes
    # are not countries (XA, XB are its pseudo-locales), nor are 001, EU, UN...
    codes = {p[0] for p in read_paesi()} & ({e["alpha_2"] for e in iso} | {"XK"})
    names = {}  # (name, iso2) -> [sources]

    def add(name, iso2, src):
        name = name.strip()
        if name and iso2 in codes:
            names.setdefault((name, iso2), [])
            if src not in names[(name, iso2)]:
                names[(name, iso2)].append(src)

    for lang in ("it", "en"):
        path = os.path.join(args.cldr, "main", lang, "territories.json")
        terr = json.load(open(path, encoding="utf-8"))["main"][lang]["localeDisplayNames"]["territories"]
        for key, name in terr.items():
            add(name, key.split("-")[0], f"cldr-{lang}")
    tr = gettext.translation("iso_3166-1", localedir="/usr/share/locale", languages=["it"])
    for e in iso:
        for field in ("name", "official_name", "common_name"):
            if field in e:
                add(e[field], e["alpha_2"], "iso-codes-en")
                t = tr.gettext(e[field])
                if t != e[field]:
                    add(t, e["alpha_2"], "iso-codes-it")
    # ANPR foreign states (Belfiore Z codes) as packaged by python-codicefiscale.
    # A Z code's iso2 is the one every already-known name of it agrees on;
    # two Z codes none of whose names is known elsewhere are mapped by hand.
    manual = {"Z108": "FO", "Z729": "WF"}  # Isole Faer Oer, Isole Wallis e Futuna
    known = {}
    for (n, c) in names:
        known.setdefault(fold(n), set()).add(c)
    for p in read_paesi():
        for n in [p[2], p[3]] + [v for v in p[4].split("|") if v]:
            known.setdefault(fold(n), set()).add(p[0])
    anpr = json.load(open(args.anpr, encoding="utf-8"))
    for x in anpr:
        fields = [("name", "anpr-it"), ("name_alt", "anpr-it"), ("name_alt_en", "anpr-en")]
        hits = set()
        for f, _ in fields:
            m = known.get(fold(x.get(f) or ""))
            if m and len(m) == 1:
                hits |= m
        if x["code"] in manual:
            hits = {manual[x["code"]]}
        if len(hits) != 1 or not x.get("active", True) and x["name"] != "Hong Kong":
            print(f"skipped ANPR {x['code']} {x['name']!r}: iso2 candidates {sorted(hits)}", file=sys.stderr)
            continue
        iso2 = hits.pop()
        for f, src in fields:
            if x.get(f):
                add(x[f], iso2, src)
    order = {"cldr-it": 0, "cldr-en": 1, "iso-codes-it": 2, "iso-codes-en": 3, "anpr-it": 4, "anpr-en": 5}
    with open(NAMES, "w", encoding="utf-8", newline="\n") as f:
        f.write("name\tiso2\tsource\n")
        for (n, c), src in sorted(names.items(), key=lambda kv: (kv[0][1], fold(kv[0][0]), kv[0][0])):
            f.write(f"{n}\t{c}\t{','.join(sorted(src, key=order.get))}\n")
    print(f"{len(names)} names written to {NAMES}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd")
    b = sub.add_parser("build")
    b.add_argument("--cldr", required=True)
    b.add_argument("--anpr", required=True)
    ap.add_argument("--variants")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--respelt", action="store_true",
                    help="also emulate the &/St./slash re-reading being added to src/reference.rs")
    args = ap.parse_args()
    return build(args) if args.cmd == "build" else check(args)


if __name__ == "__main__":
    sys.exit(main())
