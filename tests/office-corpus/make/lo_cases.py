"""Cases made by LibreOffice (headless soffice): the registers imported from
the sample CSVs with the Italian locale and saved as office files, and the
CSVs LibreOffice exports from them."""

import shutil

import openpyxl

from common import (CORPUS, REGISTERS, SAMPLES, WORK, CSV_FILTER, TO,
                    csv_export_options, csv_import_options, lo_version,
                    new_case, openpyxl_version, sample_delimiter, soffice)

STAGE = WORK / "lo"


def import_samples():
    """Every sample CSV opened in Calc with the Italian locale and saved as
    xlsx, ods, xls and fods: STAGE/<fmt>/<register>.<fmt>."""
    by_delim = {}
    for reg in REGISTERS:
        by_delim.setdefault(sample_delimiter(reg), []).append(reg)
    for delim, regs in by_delim.items():
        src = STAGE / f"csv-{ord(delim)}"
        src.mkdir(parents=True)
        for reg in regs:
            shutil.copy2(SAMPLES / f"{reg}.csv", src / f"{reg}.csv")
        for fmt, conv in TO.items():
            out = STAGE / fmt
            soffice("it-IT", [
                f"--infilter={CSV_FILTER}:{csv_import_options(delim)}",
                "--convert-to", conv, "--outdir", out,
                *[src / f"{r}.csv" for r in regs]],
                expect_outputs=[out / f"{r}.{fmt}" for r in regs])


def assemble_workbook(path, sheet_name):
    """One workbook with a sheet per register, copied cell by cell (value and
    number format) from LibreOffice's own xlsx files."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for reg in REGISTERS:
        src = openpyxl.load_workbook(STAGE / "xlsx" / f"{reg}.xlsx").active
        ws = wb.create_sheet(sheet_name(reg))
        for row in src.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                d = ws.cell(row=c.row, column=c.column, value=c.value)
                d.number_format = c.number_format
        for key, dim in src.column_dimensions.items():
            ws.column_dimensions[key].width = dim.width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def build():
    LO = lo_version()
    OX = openpyxl_version()
    import_samples()

    # 1. Every register as its own file.
    what = {
        "xlsx": "every register opened from the sample CSV in Calc (Italian locale) and saved as its own .xlsx",
        "ods": "every register opened from the sample CSV in Calc (Italian locale) and saved as its own .ods",
        "xls": "every register opened from the sample CSV in Calc (Italian locale) and saved as its own Excel 97 .xls",
        "fods": "every register opened from the sample CSV in Calc (Italian locale) and saved as flat ODS (.fods, one XML file)",
    }
    for fmt in TO:
        case = new_case(f"lo-{fmt}-per-register", LO, "same", what[fmt],
                        replace=REGISTERS)
        for reg in REGISTERS:
            shutil.copy2(STAGE / fmt / f"{reg}.{fmt}", case / f"{reg}.{fmt}")

    # 2. One workbook `registri` with a sheet per register, named exactly
    # after it; assembled with openpyxl, then opened and saved by Calc.
    src = STAGE / "py-registri" / "registri.xlsx"
    assemble_workbook(src, lambda reg: reg)
    for fmt in ("xlsx", "ods", "xls"):
        out = STAGE / "registri" / fmt
        soffice("it-IT", ["--convert-to", TO[fmt], "--outdir", out, src],
                expect_outputs=[out / f"registri.{fmt}"])
        case = new_case(
            f"lo-registri-{fmt}", f"{LO} (sheets assembled with {OX})",
            "same",
            f"one workbook registri.{fmt} saved by Calc, one sheet per register named exactly after it",
            replace=REGISTERS)
        shutil.copy2(out / f"registri.{fmt}", case / f"registri.{fmt}")

    # 3. CSV exports Calc makes from accessi.xlsx and utenti.xlsx.
    exports = [  # (case, locale, options, expect, what, code)
        ("lo-csv-semicolon", "it-IT", csv_export_options(";"), "same",
         "accessi and utenti exported by Calc as CSV with ; separator (dates as shown dd/mm/yyyy, LF line ends, no BOM)", "-"),
        ("lo-csv-comma", "it-IT", csv_export_options(","), "same",
         "accessi and utenti exported by Calc as CSV with , separator, cells holding a comma quoted", "-"),
        ("lo-csv-tab", "it-IT", csv_export_options("\t"), "same",
         "accessi and utenti exported by Calc as tab-separated text in files named .csv", "-"),
        ("lo-csv-quote-all", "it-IT", csv_export_options(";", quote_all=True), "same",
         "accessi and utenti exported by Calc with ; and every text cell in double quotes (dates unquoted)", "-"),
        ("lo-csv-cp1252", "it-IT", csv_export_options(";", charset=1), "same",
         "accessi and utenti exported by Calc in Windows-1252 (ì of sì as the single byte 0xEC): read as such, with the encoding-fallback note",
         "encoding-fallback"),
        ("lo-csv-utf16", "it-IT", csv_export_options(";", charset=65535), "same",
         "accessi and utenti exported by Calc as Unicode (UTF-16 little-endian with BOM)", "-"),
        ("lo-csv-en-us-month-first", "en-US",
         csv_export_options(",", as_shown=False), "fail",
         "accessi and utenti exported by Calc with the en-US locale and save-as-shown off: dates written MM/DD/YYYY, which read day-first give other dates or date-invalid",
         "dates-month-first"),
    ]
    for name, locale, opts, expect, what_, code in exports:
        out = STAGE / "export" / name
        soffice(locale, [
            "--convert-to", f"csv:{CSV_FILTER}:{opts}", "--outdir", out,
            STAGE / "xlsx" / "accessi.xlsx", STAGE / "xlsx" / "utenti.xlsx"],
            expect_outputs=[out / "accessi.csv", out / "utenti.csv"])
        case = new_case(name, LO, expect, what_, code,
                        replace=["accessi", "utenti"])
        for reg in ("accessi", "utenti"):
            shutil.copy2(out / f"{reg}.csv", case / f"{reg}.csv")

    # 4. "Export all sheets" of a registri.ods whose sheets are named with a
    # capital first letter: Calc writes <stem>-<SheetName>.csv.
    src = STAGE / "py-registri-cap" / "registri.xlsx"
    assemble_workbook(src, lambda reg: reg.capitalize())
    ods_dir = STAGE / "registri-cap-ods"
    soffice("it-IT", ["--convert-to", TO["ods"], "--outdir", ods_dir, src],
            expect_outputs=[ods_dir / "registri.ods"])
    out = STAGE / "export-all-sheets"
    names = [f"registri-{reg.capitalize()}.csv" for reg in REGISTERS]
    soffice("it-IT", [
        "--convert-to", f"csv:{CSV_FILTER}:{csv_export_options(';', sheet=-1)}",
        "--outdir", out, ods_dir / "registri.ods"],
        expect_outputs=[out / n for n in names])
    produced = sorted(p.name for p in out.iterdir())
    assert produced == sorted(names), produced
    case = new_case(
        "lo-csv-all-sheets", LO, "fail",
        "Calc's export of every sheet of registri.ods (sheets Accessi, Utenti, ...) as registri-Accessi.csv etc.: no file is named after a register",
        "file-unmatched", replace=REGISTERS)
    for n in names:
        shutil.copy2(out / n, case / n)
    return {"lo_stage": STAGE}


def build_hostile_xls():
    """An .xls with one cell at the last row and column Excel 97 allows
    (row 65536, column IV: 0-based 65535, 255), saved by Calc from an xlsx
    that has that cell; and the same cell added to the real accessi."""
    LO = lo_version()
    OX = openpyxl_version()
    src_dir = STAGE / "far-cell"
    src_dir.mkdir(parents=True, exist_ok=True)

    wb = openpyxl.Workbook()
    wb.active.title = "accessi"
    wb.active.cell(row=65536, column=256, value="x")
    wb.save(src_dir / "accessi.xlsx")
    out = STAGE / "far-cell-xls"
    soffice("it-IT", ["--convert-to", TO["xls"], "--outdir", out,
                      src_dir / "accessi.xlsx"],
            expect_outputs=[out / "accessi.xls"])
    case = new_case(
        "hostile/xls-far-cell", f"{LO} (from an {OX} xlsx)", "hostile",
        "accessi.xls of a few KB whose only cell is IV65536 (row 65535, column 255 from 0): its used range is the whole Excel 97 grid",
        "column-missing", replace=["accessi"])
    shutil.copy2(out / "accessi.xls", case / "accessi.xls")

    src2 = STAGE / "far-cell-data"
    src2.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.load_workbook(STAGE / "xlsx" / "accessi.xlsx")
    wb.active.cell(row=65536, column=256, value="x")
    wb.save(src2 / "accessi.xlsx")
    out2 = STAGE / "far-cell-data-xls"
    soffice("it-IT", ["--convert-to", TO["xls"], "--outdir", out2,
                      src2 / "accessi.xlsx"],
            expect_outputs=[out2 / "accessi.xls"])
    case = new_case(
        "hostile/xls-far-cell-with-data", f"{LO} (from an {OX} xlsx)",
        "hostile",
        "the real accessi as .xls plus a stray x at IV65536: used range of 16.7 million cells, a value under no header",
        "file-unreadable", replace=["accessi"])
    shutil.copy2(out2 / "accessi.xls", case / "accessi.xls")
