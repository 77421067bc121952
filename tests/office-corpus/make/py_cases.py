"""Cases written with openpyxl and XlsxWriter (quirks of real workbooks), and
the file-name cases (copies of the samples under other names)."""

import datetime as dt
import shutil
import struct

import openpyxl
import xlsxwriter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from common import (REGISTERS, SAMPLES, new_case, openpyxl_version,
                    typed_rows, xlsxwriter_version)

DATE_FMT = "dd/mm/yyyy"
# A fixed creation time, so that a rerun changes as little as possible.
FIXED = dt.datetime(2025, 7, 10, 9, 0, 0)


def new_wb():
    wb = openpyxl.Workbook()
    wb.properties.creator = "integra office corpus"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    return wb


def put_rows(ws, header, rows, first_row=1, date_fmt=DATE_FMT):
    """Header at first_row, then the rows: dates as date cells, numbers as
    numbers, text as text, empty cells left out."""
    for j, h in enumerate(header, start=1):
        ws.cell(row=first_row, column=j, value=h)
    for i, r in enumerate(rows, start=first_row + 1):
        for j, v in enumerate(r, start=1):
            if v is None:
                continue
            c = ws.cell(row=i, column=j, value=v)
            if isinstance(v, dt.date):
                c.number_format = date_fmt


def accessi_wb(title="accessi"):
    wb = new_wb()
    ws = wb.active
    ws.title = title
    header, rows = typed_rows("accessi")
    put_rows(ws, header, rows)
    return wb, ws, header, rows


def build_openpyxl():
    OX = openpyxl_version()

    # 5. 1904 date system.
    wb, ws, header, rows = accessi_wb()
    wb.epoch = CALENDAR_MAC_1904
    base = dt.date(1904, 1, 1)
    for i, r in enumerate(rows, start=2):
        c = ws.cell(row=i, column=1, value=(r[0] - base).days)
        c.number_format = "General"
    case = new_case(
        "py-1904-serials-general", OX, "same",
        "accessi.xlsx in the 1904 date system with the data column as plain 1904 serial numbers (format General), as a Mac Excel user gets; read with the 1900 epoch they are 4 years and 1 day early",
        "date-serial", replace=["accessi"])
    wb.save(case / "accessi.xlsx")

    wb, ws, header, rows = accessi_wb()
    wb.epoch = CALENDAR_MAC_1904
    put_rows(ws, header, rows)  # rewritten so the serials use the 1904 epoch
    case = new_case(
        "py-1904-date-cells", OX, "same",
        "accessi.xlsx in the 1904 date system with real date cells (dd/mm/yyyy): the workbook's epoch must be honoured",
        replace=["accessi"])
    wb.save(case / "accessi.xlsx")

    # 6. Formulas without a computed value.
    header, rows = typed_rows("utenti")
    col = header.index("data_chiusura")
    wb = new_wb()
    ws = wb.active
    ws.title = "utenti"
    put_rows(ws, header, rows)
    for i, r in enumerate(rows, start=2):
        d = r[col]
        if d is not None:
            c = ws.cell(row=i, column=col + 1,
                        value=f"=DATE({d.year},{d.month},{d.day})")
            c.number_format = DATE_FMT
    case = new_case(
        "py-formula-nocache-utenti", OX, "fail",
        "utenti.xlsx whose data_chiusura cells are formulas =DATE(y,m,d) saved without a computed value: read as empty, closed users would count as open",
        "formula-no-value", replace=["utenti"])
    wb.save(case / "utenti.xlsx")

    header, rows = typed_rows("corsi")
    col = header.index("ore_incontro")
    wb = new_wb()
    ws = wb.active
    ws.title = "corsi"
    put_rows(ws, header, rows)
    for i, r in enumerate(rows, start=2):
        v = r[col]
        formula = {3: "=1+2", 1.5: "=3/2"}[v]
        ws.cell(row=i, column=col + 1, value=formula)
    case = new_case(
        "py-formula-nocache-corsi", OX, "fail",
        "corsi.xlsx whose ore_incontro cells are formulas (=1+2, =3/2 for 1,5) without a computed value: the courses' hours are unknown",
        "formula-no-value", replace=["corsi"])
    wb.save(case / "corsi.xlsx")

    header, rows = typed_rows("storico")
    wb = new_wb()
    ws = wb.active
    ws.title = "storico"
    put_rows(ws, header, rows)
    tot = header.index("totale")
    for i, r in enumerate(rows, start=2):
        # 2022 keeps its declared 149 (11+1+128 = 140): a formula there
        # would change the figure even once computed.
        if r[0] != 2022:
            ws.cell(row=i, column=tot + 1, value=f"=SUM(C{i}:E{i})")
    case = new_case(
        "py-formula-nocache-storico", OX, "fail",
        "storico.xlsx whose totale for 2023 and 2024 is =SUM(Cn:En) without a computed value (2022 keeps the typed 149): a required number is missing",
        "formula-no-value", replace=["storico"])
    wb.save(case / "storico.xlsx")

    # 7. registri.xlsx with the iscrizioni sheet named "Iscrizioni 2025".
    wb = new_wb()
    wb.remove(wb.active)
    for reg in REGISTERS:
        ws = wb.create_sheet("Iscrizioni 2025" if reg == "iscrizioni" else reg)
        put_rows(ws, *typed_rows(reg))
    case = new_case(
        "py-registri-sheet-misnamed", OX, "fail",
        "registri.xlsx with every register as a sheet but iscrizioni named «Iscrizioni 2025», a name that matches no register: the enrolments must not silently vanish",
        "sheet-unmatched", replace=REGISTERS)
    wb.save(case / "registri.xlsx")

    # 8. A hidden old sheet "accessi" (header + 3 rows) first, the real data
    # on the visible "accessi 2025" after it, which is the active sheet.
    wb = new_wb()
    old = wb.active
    old.title = "accessi"
    header, rows = typed_rows("accessi")
    put_rows(old, header, rows[:3])
    old.sheet_state = "hidden"
    new = wb.create_sheet("accessi 2025")
    put_rows(new, header, rows)
    wb.active = 1
    old.sheet_view.tabSelected = False
    new.sheet_view.tabSelected = True
    case = new_case(
        "py-hidden-old-sheet", OX, "same-warn",
        "accessi.xlsx whose first sheet «accessi» is hidden and holds an old header and 3 rows, the real data being on the visible second sheet «accessi 2025»: the one visible sheet is the register, the hidden one is named",
        "sheet-unread", replace=["accessi"])
    wb.save(case / "accessi.xlsx")

    # 9. Odd sheet names in a single-register file.
    wb, *_ = accessi_wb("Accessi (2)")
    case = new_case(
        "py-sheet-accessi-2", OX, "same",
        "accessi.xlsx whose only sheet is named «Accessi (2)» (the first sheet of a register file is read whatever its name)",
        replace=["accessi"])
    wb.save(case / "accessi.xlsx")

    wb, *_ = accessi_wb("Foglio1")
    wb.create_sheet("Foglio2")
    case = new_case(
        "py-sheet-foglio1", OX, "same",
        "accessi.xlsx with the data on «Foglio1» and an empty «Foglio2», as a new Italian Excel workbook has",
        replace=["accessi"])
    wb.save(case / "accessi.xlsx")

    # 10. Five data rows hidden.
    wb, ws, header, rows = accessi_wb()
    hidden = [20, 21, 22, 80, 150]
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    case = new_case(
        "py-hidden-rows", OX, "same-warn",
        f"accessi.xlsx with 5 data rows hidden (sheet rows {', '.join(map(str, hidden))}): they are data and count, and a person should be told",
        "rows-hidden", replace=["accessi"])
    wb.save(case / "accessi.xlsx")

    # 10b. A column the register reads, hidden (genere, column E).
    wb, ws, header, rows = accessi_wb()
    ws.column_dimensions["E"].hidden = True
    case = new_case(
        "py-hidden-column", OX, "same-warn",
        "accessi.xlsx whose column genere (E) is hidden: it is read and counts, and a person should be told",
        "column-hidden", replace=["accessi"])
    wb.save(case / "accessi.xlsx")

    # 11. Consecutive equal dates merged vertically.
    wb = new_wb()
    ws = wb.active
    ws.title = "accessi"
    header, rows = typed_rows("accessi")
    put_rows(ws, header, rows)
    merges = []
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][0] != rows[start][0]:
            if i - start > 1:
                merges.append((start + 2, i + 1))
            start = i
    for a, b in merges:
        ws.merge_cells(start_row=a, start_column=1, end_row=b, end_column=1)
    case = new_case(
        "py-merged-dates", OX, "fail",
        f"accessi.xlsx where the date cells of consecutive rows with the same day are merged vertically ({len(merges)} merged ranges): only the top cell of each range holds the date",
        "cell-merged", replace=["accessi"])
    wb.save(case / "accessi.xlsx")

    # 12. Dates as text.
    wb = new_wb()
    ws = wb.active
    ws.title = "accessi"
    header, rows = typed_rows("accessi")
    put_rows(ws, header, rows)
    for i, r in enumerate(rows, start=2):
        c = ws.cell(row=i, column=1, value=r[0].strftime("%d/%m/%Y"))
        c.data_type = "s"
        c.number_format = "@"
    case = new_case(
        "py-dates-as-text", OX, "same",
        "accessi.xlsx whose dates are text cells «07/01/2025» (string type, format @), as pasted from elsewhere",
        replace=["accessi"])
    wb.save(case / "accessi.xlsx")

    # 13. Two title rows above the header.
    wb = new_wb()
    ws = wb.active
    ws.title = "accessi"
    ws.cell(row=1, column=1, value="Registro accessi 2025")
    header, rows = typed_rows("accessi")
    put_rows(ws, header, rows, first_row=3)
    case = new_case(
        "py-title-rows", OX, "same",
        "accessi.xlsx with a title row «Registro accessi 2025» and an empty row above the header",
        "header-title-row", replace=["accessi"])
    wb.save(case / "accessi.xlsx")


def build_xlsxwriter():
    XW = xlsxwriter_version()

    def write_register(path, register, options=None, sheet=None):
        wb = xlsxwriter.Workbook(str(path), options or {})
        wb.set_properties({"author": "integra office corpus",
                           "created": FIXED})
        ws = wb.add_worksheet(sheet or register)
        datef = wb.add_format({"num_format": DATE_FMT})
        header, rows = typed_rows(register)
        for j, h in enumerate(header):
            ws.write_string(0, j, h)
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r):
                if v is None:
                    continue
                if isinstance(v, dt.date):
                    ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), datef)
                elif isinstance(v, (int, float)):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, v)
        return wb, ws, header, rows, datef

    # 15. Plain xlsxwriter workbook.
    case = new_case(
        "xw-plain", XW, "same",
        "accessi.xlsx written by XlsxWriter: dates as numbers with a dd/mm/yyyy format, shared strings, no formulas",
        replace=["accessi"])
    wb, *_ = write_register(case / "accessi.xlsx", "accessi")
    wb.close()

    case = new_case(
        "xw-1904-date-cells", XW, "same",
        "accessi.xlsx written by XlsxWriter with date_1904: date cells stored as 1904 serials with a dd/mm/yyyy format",
        replace=["accessi"])
    wb, *_ = write_register(case / "accessi.xlsx", "accessi",
                            {"date_1904": True})
    wb.close()

    # 14. A "Totale" row at the bottom with a COUNTA formula and its value.
    case = new_case(
        "xw-totale-row", XW, "fail",
        "accessi.xlsx (XlsxWriter) with a last row «Totale» and =COUNTA(A2:A196) under paese with its computed value 195: not an access",
        "row-total", replace=["accessi"])
    wb, ws, header, rows, datef = write_register(case / "accessi.xlsx",
                                                 "accessi")
    last = len(rows) + 1  # 0-based row after the data
    ws.write_string(last, 0, "Totale")
    ws.write_formula(last, 1, f"=COUNTA(A2:A{len(rows) + 1})", None, len(rows))
    wb.close()

    # 15b. XlsxWriter's default cached value for a formula is 0.
    case = new_case(
        "xw-formula-cached-zero", XW, "fail",
        "utenti.xlsx (XlsxWriter) whose data_chiusura cells are formulas =DATE(y,m,d) with the cached value 0 XlsxWriter writes by default: read as the serial 0 (a time 00:00), not the date",
        "date-unreadable", replace=["utenti"])
    wb, ws, header, rows, datef = write_register(case / "utenti.xlsx",
                                                 "utenti")
    col = header.index("data_chiusura")
    for i, r in enumerate(rows, start=1):
        d = r[col]
        if d is not None:
            ws.write_formula(i, col, f"=DATE({d.year},{d.month},{d.day})", datef)
    wb.close()


def appledouble_bytes():
    """A macOS AppleDouble "._" file of 4096 bytes, as the Finder leaves on
    a FAT/exFAT USB stick or a network share: header, Finder info with an
    extended-attributes block (com.apple.quarantine), empty resource fork."""
    size = 4096
    rsrc_len = 286
    rsrc_off = size - rsrc_len            # 3810
    finfo_off = 50
    finfo_len = rsrc_off - finfo_off      # 3760
    b = bytearray(size)
    struct.pack_into(">II16sH", b, 0, 0x00051607, 0x00020000,
                     b"Mac OS X        ", 2)
    struct.pack_into(">III", b, 26, 9, finfo_off, finfo_len)
    struct.pack_into(">III", b, 38, 2, rsrc_off, rsrc_len)
    # 32 bytes of Finder info (all zero for a document), then "ATTR".
    attr = 82
    name = b"com.apple.quarantine\0"
    value = b"0083;6762b9f0;Microsoft Excel;"
    entry = attr + 36
    entry_len = (4 + 4 + 2 + 1 + len(name) + 3) // 4 * 4
    data_start = entry + entry_len
    struct.pack_into(">4sIIII12xHH", b, attr, b"ATTR", 0, rsrc_off,
                     data_start, len(value), 0, 1)
    struct.pack_into(">IIHB", b, entry, data_start, len(value), 0, len(name))
    b[entry + 11:entry + 11 + len(name)] = name
    b[data_start:data_start + len(value)] = value
    # Empty resource fork: header, the usual text, a 30-byte map.
    hdr = struct.pack(">IIII", 0x100, 0x100, 0, 0x1E)
    b[rsrc_off:rsrc_off + 16] = hdr
    text = b"This resource fork intentionally left blank   "
    b[rsrc_off + 16:rsrc_off + 16 + len(text)] = text
    m = rsrc_off + 0x100
    b[m:m + 16] = hdr
    struct.pack_into(">IHHHHh", b, m + 16, 0, 0, 0, 0x1C, 0x1E, -1)
    assert len(b) == size
    return bytes(b)


def build_names():
    copy = "cp (copy of data-samples)"
    for name, notes, expect, what in [
        ("note-md-txt", "2025H1.md.txt", "same-warn",
         "the notes saved by Notepad as note/2025H1.md.txt (Windows hides the .txt): to be read, with a warning to rename it"),
        ("note-lowercase", "2025h1.md", "same-warn",
         "the notes as note/2025h1.md (lower-case h): to be read, with a warning to rename it"),
        ("note-uppercase-ext", "2025H1.MD", "same-warn",
         "the notes as note/2025H1.MD (upper-case extension): to be read, with a warning to rename it"),
        ("note-dash-period", "2025-H1.md", "same-warn",
         "the notes as note/2025-H1.md, not integra's period code 2025H1: to be read, with a warning to rename it"),
    ]:
        case = new_case(name, copy, expect, what, "notes-misnamed")
        (case / "note" / "2025H1.md").rename(case / "note" / notes)

    case = new_case(
        "appledouble", "python3 (AppleDouble bytes) + cp", "same",
        "the samples plus a macOS AppleDouble ._accessi.csv (4096 bytes of binary metadata) beside the real accessi.csv: to be ignored like office lock files",
        "file-system")
    (case / "._accessi.csv").write_bytes(appledouble_bytes())


def build():
    build_openpyxl()
    build_xlsxwriter()
    build_names()
