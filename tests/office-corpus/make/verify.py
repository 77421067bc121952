"""Opens every file of the office corpus and checks it against data-samples/.

For each case of MANIFEST.tsv it finds the registers the way integra's
documentation says (file named after the register, or a sheet of a workbook
`registri`), reads them with python-calamine (the Python binding of the
calamine crate integra uses) or by hand (.csv, .fods), and compares the
cells, shown as text (dates dd/mm/yyyy, decimals with a comma), with the
sample CSVs:

- `same` cases must read exactly as the samples, plain;
- `same-warn` cases must read as the samples once their quirk is applied
  (1904 epoch, merged cells filled down, title rows skipped, the notes under
  their other name, ...), and must differ read plainly where the quirk
  changes the cells;
- `fail` cases must not read as the samples;
- `hostile` cases are checked for size and structure only (never expanded).

Every office file written by Python is also opened by LibreOffice (converted
to CSV) to prove it opens. Exits non-zero at the first broken expectation.
"""

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import python_calamine as pc

sys.path.insert(0, str(Path(__file__).parent))
from common import (CORPUS, DATE_COLS, REGISTERS, SAMPLES, WORK, read_sample,
                    soffice)

SHEET_EXT = {"xlsx", "xlsm", "xls", "xlsb", "ods", "fods"}
TEXT_EXT = {"csv", "tsv", "txt"}
FAILURES = []


def fail(case, msg):
    FAILURES.append(f"{case}: {msg}")
    print(f"  !! {msg}")


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s.lower() if c.isalnum() and c.isascii())


# --------------------------------------------------------------------------
# Reading


def show(v):
    """A cell as the text the samples would have."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "sì" if v else "no"
    if isinstance(v, dt.datetime):
        if v.time() != dt.time(0):
            return v.isoformat()
        v = v.date()
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return repr(v).replace(".", ",")
    if isinstance(v, int):
        return str(v)
    return str(v)


def decode(raw):
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-bom"
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le"), "utf-16le-bom"
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be"), "utf-16be-bom"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252"), "cp1252"


def read_text(path):
    text, enc = decode(path.read_bytes())
    lines = text.splitlines()
    if path.suffix.lower() == ".tsv":
        delim = "\t"
    else:
        counts = {d: sum(l.count(d) for l in lines[:6]) for d in ";,\t"}
        delim = max(counts, key=lambda d: (counts[d], d == ";"))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    return rows, {"encoding": enc, "delimiter": delim,
                  "crlf": "\r\n" in text}


def read_calamine(path, sheet=None):
    wb = pc.CalamineWorkbook.from_path(str(path))
    s = wb.get_sheet_by_index(0) if sheet is None else wb.get_sheet_by_name(sheet)
    return s.to_python(skip_empty_area=False), s


def read_fods(path, sheet_index=0):
    """A flat ODS read by hand: the first table, cells by their value."""
    ns = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
          "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    T = "{%s}" % ns["table"]
    O = "{%s}" % ns["office"]
    root = ET.parse(path).getroot()
    table = root.findall(".//table:table", ns)[sheet_index]
    rows = []
    for tr in table.iter(T + "table-row"):
        cells = []
        for tc in tr:
            if tc.tag not in (T + "table-cell", T + "covered-table-cell"):
                continue
            n = int(tc.get(T + "number-columns-repeated", "1"))
            vt = tc.get(O + "value-type")
            if vt == "date":
                v = dt.date.fromisoformat(tc.get(O + "date-value")[:10])
            elif vt == "float":
                v = float(tc.get(O + "value"))
            elif vt is None:
                v = None
            else:
                v = "\n".join("".join(p.itertext())
                              for p in tc.findall("text:p", ns))
            cells.extend([v] * min(n, 64))
        rows.extend([cells] * min(int(tr.get(T + "number-rows-repeated", "1")), 64))
    return rows


def as_text_rows(rows):
    out = [[show(v) for v in r] for r in rows]
    for r in out:
        while r and r[-1] == "":
            r.pop()
    return [r for r in out if any(c.strip() for c in r)]


def sample_rows(reg):
    header, rows = read_sample(reg)
    return [header] + rows


def diff(got, want):
    """First difference between two tables of text, or None."""
    if len(got) != len(want):
        return f"{len(got)} rows (with header) instead of {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        w = w[:]
        while w and w[-1] == "":
            w.pop()
        if g != w:
            for j in range(max(len(g), len(w))):
                gv = g[j] if j < len(g) else ""
                wv = w[j] if j < len(w) else ""
                if gv != wv:
                    return f"row {i + 1} column {j + 1}: {gv!r} instead of {wv!r}"
    return None


# --------------------------------------------------------------------------
# Locating registers the way integra's documentation says


def locate(folder):
    """{register: [(path, sheet or None)]} and the files matching none."""
    found = {r: [] for r in REGISTERS}
    other = []
    for p in sorted(folder.iterdir()):
        if p.is_dir():
            continue
        ext = p.suffix.lower().lstrip(".")
        stem = fold(p.stem)
        if p.name.startswith(("~$", ".~lock")):
            continue
        if stem in found and (ext in SHEET_EXT or ext in TEXT_EXT):
            found[stem].append((p, None))
        elif stem == "registri" and ext in SHEET_EXT - {"fods"}:
            wb = pc.CalamineWorkbook.from_path(str(p))
            for name in wb.sheet_names:
                if fold(name) in found:
                    found[fold(name)].append((p, name))
                else:
                    other.append(f"{p.name}[{name}]")
        elif p.name not in ("centro.toml",):
            other.append(p.name)
    return found, other


def read_register(path, sheet):
    ext = path.suffix.lower().lstrip(".")
    if ext in TEXT_EXT:
        rows, info = read_text(path)
        return rows, info
    if ext == "fods":
        return read_fods(path), {}
    rows, s = read_calamine(path, sheet)
    return rows, {"sheet": s}


# --------------------------------------------------------------------------
# Checks per case


def check_types(case, reg, path, rows):
    """An office file made by LibreOffice from the CSVs must hold real dates
    in its date columns and text in its code columns."""
    header = rows[0]
    for col in DATE_COLS[reg]:
        j = header.index(col)
        bad = [r[j] for r in rows[1:] if j < len(r) and r[j] not in ("", None)
               and not isinstance(r[j], (dt.date, dt.datetime))]
        if bad:
            fail(case, f"{path.name}: column {col} has non-date cells {bad[:3]}")
    for col in ("id", "utente", "partecipante", "corso"):
        if col in header:
            j = header.index(col)
            bad = [r[j] for r in rows[1:] if j < len(r) and r[j] not in ("", None)
                   and not isinstance(r[j], str)]
            if bad:
                fail(case, f"{path.name}: column {col} has non-text cells {bad[:3]}")


def check_xlsx_date_cells(case, path, reg):
    """openpyxl's view: date columns are cells of type d (numbers with a
    date format), not text."""
    wb = openpyxl.load_workbook(path)
    sheets = [wb[reg]] if reg in wb.sheetnames else [wb.worksheets[0]]
    for ws in sheets:
        header = [c.value for c in ws[1]]
        for col in DATE_COLS[reg]:
            j = header.index(col) + 1
            cells = [ws.cell(row=i, column=j) for i in range(2, ws.max_row + 1)]
            bad = [c.coordinate for c in cells
                   if c.value is not None and not c.is_date]
            if bad:
                fail(case, f"{path.name}: {col} not date cells at {bad[:3]}")


def plain_compare(case, found):
    """Read every register found plainly; returns {reg: difference or None}."""
    result = {}
    for reg, places in found.items():
        if not places:
            result[reg] = "missing"
            continue
        if len(places) > 1:
            result[reg] = "ambiguous: " + ", ".join(
                p.name + (f"[{s}]" if s else "") for p, s in places)
            continue
        path, sheet = places[0]
        rows, info = read_register(path, sheet)
        result[reg] = diff(as_text_rows(rows), sample_rows(reg))
    return result


def lo_opens(case, folder, files):
    """LibreOffice opens each file: converted to CSV; returns the CSVs."""
    out = {}
    for f in files:
        outdir = WORK / "verify-lo" / case / f.stem
        target = outdir / (f.stem + ".csv")
        soffice("it-IT", ["--convert-to",
                          "csv:Text - txt - csv (StarCalc):59,34,76,1",
                          "--outdir", outdir, folder / f.name],
                expect_outputs=[target])
        out[f.name] = target.read_text(encoding="utf-8")
    return out


def epoch1904(rows, reg):
    header = rows[0]
    cols = [header.index(c) for c in DATE_COLS[reg] if c in header]
    base = dt.date(1904, 1, 1)
    out = [header]
    for r in rows[1:]:
        r = list(r)
        for j in cols:
            if isinstance(r[j], (int, float)) and not isinstance(r[j], bool):
                r[j] = base + dt.timedelta(days=int(r[j]))
        out.append(r)
    return out


def fill_merged(rows, sheet):
    rows = [list(r) for r in rows]
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges:
        for i in range(r0, r1 + 1):
            for j in range(c0, c1 + 1):
                rows[i][j] = rows[r0][c0]
    return rows


def main():
    manifest = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = manifest[0].split("\t")
    assert header == ["case", "made_by", "period", "expect", "what", "code"], header
    cases = [dict(zip(header, l.split("\t"))) for l in manifest[1:]]
    assert all(len(c) == len(header) for c in cases)
    listed = {c["case"] for c in cases}
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/centro.toml")} | \
              {str(p.relative_to(CORPUS)) for p in CORPUS.glob("hostile/*/centro.toml")}
    on_disk = {str(Path(p).parent) for p in on_disk}
    if listed != on_disk:
        fail("MANIFEST", f"cases listed {sorted(listed ^ on_disk)} do not match folders")

    for c in cases:
        name, made_by, expect = c["case"], c["made_by"], c["expect"]
        folder = CORPUS / name
        print(f"{name} [{expect} {c['code']}]")
        if not (folder / "centro.toml").is_file() or not (folder / "note").is_dir():
            fail(name, "not a complete data folder (centro.toml, note/)")
        for reg in REGISTERS:
            kinds = [p for p in folder.iterdir()
                     if p.is_file() and p.stem.lower() == reg
                     and not p.name.startswith("._")]
            if len(kinds) > 1:
                fail(name, f"{reg} in more than one file: {[p.name for p in kinds]}")

        if expect == "hostile":
            check_hostile(name, folder)
            continue

        found, other = locate(folder)
        if other:
            print(f"  not a register: {', '.join(other)}")
        plain = plain_compare(name, found)
        bad = {r: d for r, d in plain.items() if d}
        office = sorted(p for p in folder.iterdir() if p.is_file() and
                        p.suffix.lower().lstrip(".") in SHEET_EXT)
        if name.startswith("lo-csv-"):
            for p in sorted(folder.glob("*.csv")):
                info = read_text(p)[1]
                if p.name not in ("accessi.csv", "utenti.csv", "registri-Accessi.csv"):
                    continue
                print(f"  {p.name}: {info['encoding']}, delimiter "
                      f"{info['delimiter']!r}, {'CRLF' if info['crlf'] else 'LF'}")

        # LibreOffice-made office files: real dates, text codes.
        if made_by.startswith("LibreOffice") and office:
            for p in office:
                for reg, places in found.items():
                    for q, s in places:
                        if q == p:
                            rows, _ = read_register(q, s)
                            check_types(name, reg, q, rows)
                            if q.suffix == ".xlsx":
                                check_xlsx_date_cells(name, q, reg)
            print("  LibreOffice-made files: date columns hold date cells, "
                  "code columns text")

        # Every office file opens in LibreOffice.
        if office and not made_by.startswith("LibreOffice"):
            shown = lo_opens(name, folder, office)
            for f, text in shown.items():
                print(f"  LibreOffice opens {f}: {len(text.splitlines())} lines, "
                      f"line 2: {text.splitlines()[1][:70]!r}")

        special = SPECIAL.get(name)
        if special:
            special(name, folder, found, plain)
        elif expect == "same":
            if bad:
                fail(name, f"differs from the samples: {bad}")
            else:
                print("  reads exactly as the samples")
        elif expect == "fail":
            if not bad:
                fail(name, "reads as the samples, but is listed as fail")
            else:
                print(f"  differs as intended: {bad}")
        else:
            fail(name, "same-warn case without a check")

    if FAILURES:
        print("\nFAILED:\n" + "\n".join(FAILURES))
        sys.exit(1)
    print(f"\nall {len(cases)} cases checked")


# --------------------------------------------------------------------------
# Cases whose expectation needs more than a plain comparison


def expect_only(case, plain, regs):
    bad = {r: d for r, d in plain.items() if d}
    if set(bad) != set(regs):
        fail(case, f"expected differences in {regs} only, got {bad}")
    else:
        print(f"  plain read differs in {regs} only: {bad}")


def sw_1904_serials(case, folder, found, plain):
    expect_only(case, plain, ["accessi"])
    rows, _ = read_calamine(folder / "accessi.xlsx")
    wb = openpyxl.load_workbook(folder / "accessi.xlsx")
    assert wb.epoch == dt.datetime(1904, 1, 1), wb.epoch
    d = diff(as_text_rows(epoch1904(rows, "accessi")), sample_rows("accessi"))
    if d:
        fail(case, f"with the 1904 epoch: {d}")
    else:
        print("  date1904 workbook; serials read with the 1904 epoch equal the samples")


def sw_merged(case, folder, found, plain):
    expect_only(case, plain, ["accessi"])
    rows, sheet = read_calamine(folder / "accessi.xlsx")
    merged = sheet.merged_cell_ranges
    d = diff(as_text_rows(fill_merged(rows, sheet)), sample_rows("accessi"))
    if d:
        fail(case, f"merged cells filled down: {d}")
    else:
        print(f"  {len(merged)} merged ranges; filled down they equal the samples")


def sw_title(case, folder, found, plain):
    expect_only(case, plain, ["accessi"])
    rows, _ = read_calamine(folder / "accessi.xlsx")
    t = as_text_rows(rows)
    if t[0] != ["Registro accessi 2025"]:
        fail(case, f"first row {t[0]}")
    d = diff(t[1:], sample_rows("accessi"))
    if d:
        fail(case, f"below the title: {d}")
    else:
        print("  title row, empty row, then exactly the samples")


def sw_hidden_rows(case, folder, found, plain):
    expect_only(case, plain, [])
    wb = openpyxl.load_workbook(folder / "accessi.xlsx")
    ws = wb.active
    hidden = [r for r, d in ws.row_dimensions.items() if d.hidden]
    in_period = [ws.cell(row=r, column=1).value for r in hidden]
    if len(hidden) != 5 or not all(dt.datetime(2025, 1, 1) <= v < dt.datetime(2025, 7, 1)
                                   for v in in_period):
        fail(case, f"hidden rows {hidden} dated {in_period}")
    else:
        print(f"  reads as the samples; rows {hidden} hidden, dated in 2025H1")


def sw_cp1252(case, folder, found, plain):
    expect_only(case, plain, [])
    for reg in ("accessi", "utenti"):
        raw = (folder / f"{reg}.csv").read_bytes()
        try:
            raw.decode("utf-8")
            fail(case, f"{reg}.csv is valid UTF-8, not Windows-1252")
        except UnicodeDecodeError:
            pass
    print("  not UTF-8; read as Windows-1252 it equals the samples")


def fail_en_us(case, folder, found, plain):
    expect_only(case, plain, ["accessi", "utenti"])
    for reg in ("accessi", "utenti"):
        got = read_text(folder / f"{reg}.csv")[0]
        want = sample_rows(reg)
        cols = [want[0].index(c) for c in DATE_COLS[reg]]
        swapped = 0
        for g, w in zip(got[1:], want[1:]):
            for j in cols:
                if w[j]:
                    d, m, y = w[j].split("/")
                    if g[j] != f"{m}/{d}/{y}":
                        fail(case, f"{reg}: {g[j]!r} is not month-first for {w[j]!r}")
                    if d != m:
                        swapped += 1
        print(f"  {reg}.csv: every date month-first MM/DD/YYYY ({swapped} differ from day-first)")


def fail_all_sheets(case, folder, found, plain):
    if any(found.values()):
        fail(case, f"a register is found: {found}")
    for reg in REGISTERS:
        p = folder / f"registri-{reg.capitalize()}.csv"
        d = diff(as_text_rows(read_text(p)[0]), sample_rows(reg))
        if d:
            fail(case, f"{p.name}: {d}")
    print("  no register found by name; each registri-<Sheet>.csv equals its sample")


def fail_hidden_sheet(case, folder, found, plain):
    expect_only(case, plain, ["accessi"])
    wb = pc.CalamineWorkbook.from_path(str(folder / "accessi.xlsx"))
    print(f"  sheets: {[(m.name, str(m.visible).split('.')[-1]) for m in wb.sheets_metadata]}")
    rows, _ = read_calamine(folder / "accessi.xlsx", "accessi 2025")
    d = diff(as_text_rows(rows), sample_rows("accessi"))
    if d:
        fail(case, f"sheet «accessi 2025»: {d}")


def fail_misnamed(case, folder, found, plain):
    expect_only(case, plain, ["iscrizioni"])
    rows, _ = read_calamine(folder / "registri.xlsx", "Iscrizioni 2025")
    d = diff(as_text_rows(rows), sample_rows("iscrizioni"))
    if d:
        fail(case, f"sheet «Iscrizioni 2025»: {d}")


def fail_formula(reg, col, row):
    def check(case, folder, found, plain):
        expect_only(case, plain, [reg])
        text = lo_opens(case + "-recalc", folder, [folder / f"{reg}.xlsx"])[f"{reg}.xlsx"]
        lo = list(csv.reader(io.StringIO(text), delimiter=";"))
        want = sample_rows(reg)
        j = want[0].index(col)
        print(f"  LibreOffice shows {col} of row {row} as {lo[row - 1][j]!r} "
              f"(sample {want[row - 1][j]!r})")
    return check


def notes(expected_name):
    def check(case, folder, found, plain):
        expect_only(case, plain, [])
        names = sorted(p.name for p in (folder / "note").iterdir())
        if names != [expected_name] or (folder / "note" / expected_name).read_bytes() != \
                (SAMPLES / "note" / "2025H1.md").read_bytes():
            fail(case, f"note/ holds {names}")
        else:
            print(f"  note/ holds only {expected_name} (the samples' 2025H1.md)")
    return check


def appledouble(case, folder, found, plain):
    if plain["accessi"] is None or "ambiguous" not in plain["accessi"]:
        fail(case, f"accessi: {plain['accessi']}")
    rest = {r: d for r, d in plain.items() if d and r != "accessi"}
    if rest:
        fail(case, f"other registers differ: {rest}")
    b = (folder / "._accessi.csv").read_bytes()
    if len(b) != 4096 or b[:4] != b"\x00\x05\x16\x07" or b"ATTR" not in b:
        fail(case, "._accessi.csv is not an AppleDouble file")
    d = diff(as_text_rows(read_text(folder / "accessi.csv")[0]), sample_rows("accessi"))
    if d:
        fail(case, f"accessi.csv: {d}")
    print("  accessi.csv equals the samples; ._accessi.csv folds to «accessi» too "
          "(AppleDouble, 4096 bytes): integra must skip it")


def check_hostile(case, folder):
    for p in sorted(folder.iterdir()):
        if p.suffix == ".ods":
            size = p.stat().st_size
            with zipfile.ZipFile(p) as z:
                assert z.namelist()[0] == "mimetype"
                xml = z.read("content.xml").decode()
            ET.fromstring(xml)
            rows = int(re.search(r'number-rows-repeated="(\d+)"', xml)[1])
            cols = int(re.search(r'table:table-cell table:number-columns-repeated="(\d+)"', xml)[1])
            ok = size < 20_000
            print(f"  {p.name}: {size} bytes, content.xml {len(xml)} bytes, "
                  f"{rows} x {cols} = {rows * cols:,} cells")
            if not ok:
                fail(case, f"{p.name} is {size} bytes")
        elif p.suffix == ".xls":
            size = p.stat().st_size
            text = lo_opens(case, folder, [p])[p.name]
            lines = text.splitlines()
            last = [c.strip('"') for c in lines[-1].split(";")]
            print(f"  {p.name}: {size} bytes; LibreOffice shows {len(lines)} rows, "
                  f"the last with {len(last)} cells ending {last[-1]!r}")
            if size >= 100_000 or len(lines) != 65536 or len(last) != 256 or last[-1] != "x":
                fail(case, f"{p.name} is not the far-cell workbook")


SPECIAL = {
    "py-1904-serials-general": sw_1904_serials,
    "py-merged-dates": sw_merged,
    "py-title-rows": sw_title,
    "py-hidden-rows": sw_hidden_rows,
    "lo-csv-cp1252": sw_cp1252,
    "lo-csv-en-us-month-first": fail_en_us,
    "lo-csv-all-sheets": fail_all_sheets,
    "py-hidden-old-sheet": fail_hidden_sheet,
    "py-registri-sheet-misnamed": fail_misnamed,
    "py-formula-nocache-utenti": fail_formula("utenti", "data_chiusura", 8),
    "py-formula-nocache-corsi": fail_formula("corsi", "ore_incontro", 4),
    "py-formula-nocache-storico": fail_formula("storico", "totale", 3),
    "xw-formula-cached-zero": fail_formula("utenti", "data_chiusura", 8),
    "note-md-txt": notes("2025H1.md.txt"),
    "note-lowercase": notes("2025h1.md"),
    "note-uppercase-ext": notes("2025H1.MD"),
    "note-dash-period": notes("2025-H1.md"),
    "appledouble": appledouble,
}

if __name__ == "__main__":
    main()
