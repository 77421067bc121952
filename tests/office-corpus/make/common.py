"""Shared helpers for the office corpus generator (see ../README.md).

Paths come from the environment set by make.sh:
  OC_CORPUS   tests/office-corpus (the output)
  OC_SAMPLES  data-samples (the input, never written)
  OC_WORK     a scratch folder, removed by make.sh at the end
"""

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

CORPUS = Path(os.environ["OC_CORPUS"])
SAMPLES = Path(os.environ["OC_SAMPLES"])
WORK = Path(os.environ["OC_WORK"])

# The registers, in the order integra's documentation lists them.
REGISTERS = ["accessi", "utenti", "corsi", "incontri", "iscrizioni",
             "domande", "eventi", "storico"]

# Columns holding dates / numbers, by the header text the samples use.
DATE_COLS = {
    "accessi": ["data"],
    "utenti": ["Data presa in carico", "data_chiusura"],
    "corsi": ["data_inizio", "data_fine"],
    "incontri": ["data"],
    "iscrizioni": ["data_iscrizione"],
    "domande": ["data"],
    "eventi": ["data"],
    "storico": [],
}
NUM_COLS = {
    "corsi": ["ore_incontro"],
    "incontri": ["ore"],
    "storico": ["anno", "totale", "italiani", "comunitari",
                "extracomunitari", "nuovi"],
}

# --------------------------------------------------------------------------
# Tool versions (recorded in MANIFEST.tsv's made_by column)


def lo_version():
    out = subprocess.run(["soffice", "--version"], capture_output=True,
                         text=True, check=True).stdout
    # "LibreOffice 7.4.7.2 40(Build:2)"
    for line in out.splitlines():
        if line.startswith("LibreOffice"):
            return " ".join(line.split()[:2])
    raise SystemExit("cannot read the LibreOffice version: " + out)


def openpyxl_version():
    import openpyxl
    return "openpyxl " + openpyxl.__version__


def xlsxwriter_version():
    import xlsxwriter
    return "XlsxWriter " + xlsxwriter.__version__


# --------------------------------------------------------------------------
# The samples


def sniff_delimiter(first_line):
    counts = {d: first_line.count(d) for d in ";,\t"}
    return max(counts, key=lambda d: (counts[d], d == ";"))


def read_sample(register):
    """Header and rows (lists of str) of data-samples/<register>.csv."""
    path = SAMPLES / f"{register}.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    delim = sniff_delimiter(text.splitlines()[0])
    rows = list(csv.reader(text.splitlines(), delimiter=delim))
    rows = [r for r in rows if any(c.strip() for c in r)]
    return rows[0], rows[1:]


def sample_delimiter(register):
    with open(SAMPLES / f"{register}.csv", encoding="utf-8-sig") as f:
        return sniff_delimiter(f.readline())


def parse_date(s):
    d, m, y = s.split("/")
    return dt.date(int(y), int(m), int(d))


def parse_number(s):
    s = s.replace(",", ".")
    f = float(s)
    return int(f) if f.is_integer() else f


def typed_rows(register):
    """Header and rows with dates as datetime.date, numbers as int/float,
    empty cells as None, everything else as the sample's text."""
    header, rows = read_sample(register)
    dates = {header.index(c) for c in DATE_COLS[register]}
    nums = {header.index(c) for c in NUM_COLS.get(register, [])}
    out = []
    for r in rows:
        t = []
        for i, v in enumerate(r):
            if v == "":
                t.append(None)
            elif i in dates:
                t.append(parse_date(v))
            elif i in nums:
                t.append(parse_number(v))
            else:
                t.append(v)
        out.append(t)
    return header, out


# --------------------------------------------------------------------------
# Case folders and the manifest

MANIFEST = []  # (case, made_by, period, expect, what, code)
EXPECTS = {"same", "same-warn", "fail", "hostile"}


def new_case(name, made_by, expect, what, code="-", replace=(),
             period="2025H1", csv_registers=None):
    """Create CORPUS/<name>/ as a complete data folder: centro.toml, note/,
    and the sample CSV of every register not in `replace` (or only those in
    `csv_registers` when given). Returns the folder's path.

    `code` is the diagnostic (docs/DIAGNOSTICS.md) a person must be shown:
    for `fail` an error, for `same-warn` a warning, for `same` an info or
    warning that may accompany the same figures; `-` for none."""
    assert expect in EXPECTS, expect
    assert "\t" not in what and "\n" not in what
    assert re.fullmatch(r"-|[a-z]+(-[a-z0-9]+)*", code), code
    assert expect != "fail" or code != "-", name
    folder = CORPUS / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copy2(SAMPLES / "centro.toml", folder / "centro.toml")
    shutil.copytree(SAMPLES / "note", folder / "note")
    regs = REGISTERS if csv_registers is None else csv_registers
    for reg in regs:
        if reg not in replace:
            shutil.copy2(SAMPLES / f"{reg}.csv", folder / f"{reg}.csv")
    MANIFEST.append((name, made_by, period, expect, what, code))
    return folder


def write_manifest():
    lines = ["case\tmade_by\tperiod\texpect\twhat\tcode"]
    for row in MANIFEST:
        lines.append("\t".join(row))
    (CORPUS / "MANIFEST.tsv").write_text("\n".join(lines) + "\n",
                                         encoding="utf-8")


# --------------------------------------------------------------------------
# LibreOffice, headless, with a private profile per locale

PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" \
oor:op="fuse"><value>en-US</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop \
oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{locale}</value></prop></item>
</oor:items>
"""


def lo_profile(locale):
    """A LibreOffice user profile whose locale setting (Tools > Options >
    Language Settings > Languages > Locale setting) is `locale`: it decides
    the date format given to imported dates and the format of dates and
    decimals written to CSV when "save cell contents as shown" is off."""
    d = WORK / f"lo-profile-{locale}"
    if not d.exists():
        (d / "user").mkdir(parents=True)
        (d / "user" / "registrymodifications.xcu").write_text(
            PROFILE_XCU.format(locale=locale), encoding="utf-8")
    return d


def soffice(locale, args, expect_outputs=()):
    """Run soffice headless with the given locale's profile. Checks that
    every path in expect_outputs exists afterwards (soffice exits 0 even
    when a conversion failed)."""
    prof = lo_profile(locale)
    for p in expect_outputs:
        if Path(p).exists():
            Path(p).unlink()
    cmd = ["soffice", f"-env:UserInstallation=file://{prof}", "--headless",
           "--norestore", *map(str, args)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"soffice failed: {cmd}\n{res.stdout}\n{res.stderr}")
    for p in expect_outputs:
        if not Path(p).exists():
            raise SystemExit(f"soffice did not write {p}: {cmd}\n"
                             f"{res.stdout}\n{res.stderr}")
    return res.stdout


# Filter names (soffice --convert-to "<ext>:<filter>[:<options>]")
CSV_FILTER = "Text - txt - csv (StarCalc)"
TO = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "ods": "ods:calc8",
    "xls": "xls:MS Excel 97",
    "fods": "fods:OpenDocument Spreadsheet Flat XML",
}


def csv_import_options(delim):
    """CSV import as an Italian clerk does it: separator `delim`, text
    delimiter ", charset UTF-8 (76), from line 1, no column types,
    language Italian (1040), quoted fields not forced to text, detect
    special numbers (dates) on."""
    return f"{ord(delim)},34,76,1,,1040,false,true"


def csv_export_options(delim=";", charset=76, quote_all=False,
                       as_shown=True, sheet=0):
    """CSV export tokens: 1 separator, 2 text delimiter, 3 charset, 4 first
    line, 5 column formats, 6 language (ignored on export), 7 quote all text
    cells, 8 numbers stored as numbers (false would quote them), 9 save cell
    contents as shown, 10 formulas, 11 trim, 12 sheet (-1 = every sheet,
    one file each)."""
    t = lambda b: "true" if b else "false"
    return (f"{ord(delim)},34,{charset},1,,0,{t(quote_all)},true,"
            f"{t(as_shown)},false,false,{sheet}")
