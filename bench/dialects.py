#!/usr/bin/env python3
"""Rewrites the registers that `integra synth` makes in the other shapes real
tools write, so the benchmark measures every one of them.

Usage: dialects.py SRC_DIR DST_ROOT [SHAPE...]

SRC_DIR is a folder written by `integra synth` (accessi.csv and utenti.csv:
`;`, UTF-8, no quotes, dates dd/mm/yyyy). Each shape becomes a complete data
folder DST_ROOT/<shape>/ holding the SAME rows, with every other file of
SRC_DIR (centro.toml, other registers) copied unchanged:

  semicolon             a copy as is
  comma-iso             `,` delimiter, minimal quoting, dates yyyy-mm-dd
  quoteall-crlf-cp1252  `;`, every field quoted, CRLF line ends, Windows-1252
  bom                   UTF-8 with a byte order mark, `;`
  xlsx                  one workbook registri.xlsx, sheets `accessi` and
                        `utenti`, dates as date cells (openpyxl, write_only)
  ods                   one workbook registri.ods, the same sheets (odfpy)

Without SHAPE arguments every shape is written (environment SHAPES, a
space-separated list, also selects). Workbooks are written only up to
WORKBOOK_MAX_ROWS rows per sheet (100000; environment DIALECTS_WORKBOOK_MAX
overrides): past that the shape is skipped with a message, as spreadsheets of
millions of rows are neither what offices keep nor quick to write in Python.

Rows are streamed from the source file to the destination (a workbook
library may keep its own buffers); nothing holds a whole register in a list.
A shape already written completely (marker DST_ROOT/.complete-<shape>) is kept.
"""
import csv
import datetime
import os
import re
import shutil
import sys
import time

# The registers rewritten; any other file of SRC_DIR is copied as is.
REGISTERS = ("accessi", "utenti")
ALL_SHAPES = ("semicolon", "comma-iso", "quoteall-crlf-cp1252", "bom", "xlsx", "ods")
WORKBOOK_MAX_ROWS = int(os.environ.get("DIALECTS_WORKBOOK_MAX", "100000"))
DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
MARKER = ".complete-{}"  # in DST_ROOT, beside the shape folders


def log(msg):
    print(f"dialects: {msg}", file=sys.stderr, flush=True)


def is_date_column(name):
    """`data`, `data_presa_in_carico`, `data_chiusura`…: the date columns of
    the contract (docs/REGISTERS.md) all start with `data`."""
    return name == "data" or name.startswith("data_")


def read_register(src, name):
    """(header, row iterator) of SRC_DIR/<name>.csv as synth writes it."""
    f = open(os.path.join(src, f"{name}.csv"), encoding="utf-8", newline="")
    rows = csv.reader(f, delimiter=";")
    return next(rows), rows


def count_rows(src, name):
    """Data rows of a register (lines minus the header), counted in bytes."""
    n = 0
    with open(os.path.join(src, f"{name}.csv"), "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            n += block.count(b"\n")
    return max(n - 1, 0)


def iso(cell):
    """dd/mm/yyyy -> yyyy-mm-dd; anything else (empty) unchanged."""
    m = DMY.match(cell)
    return f"{m[3]}-{m[2]}-{m[1]}" if m else cell


def as_date(cell):
    """dd/mm/yyyy -> datetime.date; empty -> None (an empty cell)."""
    m = DMY.match(cell)
    if m:
        return datetime.date(int(m[3]), int(m[2]), int(m[1]))
    return cell or None


def copy_other_files(src, dst):
    """Everything of SRC_DIR that is not accessi.csv / utenti.csv."""
    skip = {f"{r}.csv" for r in REGISTERS}
    for entry in os.listdir(src):
        if entry in skip:
            continue
        s, d = os.path.join(src, entry), os.path.join(dst, entry)
        if os.path.isdir(s):
            shutil.copytree(s, d, dirs_exist_ok=True)
        else:
            shutil.copy2(s, d)


# --- text shapes --------------------------------------------------------------


def write_semicolon(src, dst):
    # The very same bytes: a hard link where possible (no 800 MB copy at
    # 10M rows), a copy across file systems.
    for r in REGISTERS:
        s, d = os.path.join(src, f"{r}.csv"), os.path.join(dst, f"{r}.csv")
        try:
            os.link(s, d)
        except OSError:
            shutil.copyfile(s, d)


def write_bom(src, dst):
    # Same bytes as the source, behind the UTF-8 byte order mark.
    for r in REGISTERS:
        with open(os.path.join(src, f"{r}.csv"), "rb") as fi, open(os.path.join(dst, f"{r}.csv"), "wb") as fo:
            fo.write(b"\xef\xbb\xbf")
            shutil.copyfileobj(fi, fo, 1 << 20)


def write_csv(src, dst, *, delimiter, quoting, lineterminator, encoding, iso_dates):
    """Re-writes each register with Python's csv writer in the given dialect."""
    for r in REGISTERS:
        header, rows = read_register(src, r)
        dates = [i for i, h in enumerate(header) if is_date_column(h)]
        with open(os.path.join(dst, f"{r}.csv"), "w", encoding=encoding, newline="") as fo:
            w = csv.writer(fo, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator)
            w.writerow(header)
            for row in rows:
                if iso_dates:
                    for i in dates:
                        row[i] = iso(row[i])
                w.writerow(row)


def write_comma_iso(src, dst):
    write_csv(src, dst, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\n",
              encoding="utf-8", iso_dates=True)


def write_quoteall_crlf_cp1252(src, dst):
    write_csv(src, dst, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n",
              encoding="cp1252", iso_dates=False)


# --- workbooks ------------------------------------------------------------------


def workbook_rows(src, name):
    """Header, then each row with date columns as datetime.date and empty
    cells as None (what a spreadsheet stores: no cell)."""
    header, rows = read_register(src, name)
    dates = [i for i, h in enumerate(header) if is_date_column(h)]
    yield header
    for row in rows:
        row = [c if c != "" else None for c in row]
        for i in dates:
            if row[i] is not None:
                row[i] = as_date(row[i])
        yield row


def write_xlsx(src, dst):
    try:
        import openpyxl
    except ImportError:
        raise SystemExit("dialects: openpyxl missing: pip install openpyxl")
    from openpyxl.cell import WriteOnlyCell

    wb = openpyxl.Workbook(write_only=True)
    for r in REGISTERS:
        ws = wb.create_sheet(r)
        rows = workbook_rows(src, r)
        ws.append(next(rows))
        for row in rows:
            # Dates as date cells shown dd/mm/yyyy, as Italian Excel shows them.
            cells = []
            for c in row:
                if isinstance(c, datetime.date):
                    cell = WriteOnlyCell(ws, value=c)
                    cell.number_format = "DD/MM/YYYY"
                    cells.append(cell)
                else:
                    cells.append(c)
            ws.append(cells)
    wb.save(os.path.join(dst, "registri.xlsx"))


def write_ods(src, dst):
    """registri.ods through odfpy (what pandas' odf engine uses as well)."""
    try:
        from odf.opendocument import OpenDocumentSpreadsheet
        from odf.number import DateStyle, Day, Month, Text as NText, Year
        from odf.style import Style
        from odf.table import Table, TableCell, TableRow
        from odf.text import P
    except ImportError:
        raise SystemExit("dialects: odfpy missing: pip install odfpy")

    doc = OpenDocumentSpreadsheet()
    # A dd/mm/yyyy date style for the date cells, as LibreOffice (it) writes.
    ds = DateStyle(name="N_dmy")
    ds.addElement(Day(style="long"))
    ds.addElement(NText(text="/"))
    ds.addElement(Month(style="long"))
    ds.addElement(NText(text="/"))
    ds.addElement(Year(style="long"))
    doc.automaticstyles.addElement(ds)
    date_style = Style(name="ce_date", family="table-cell", datastylename="N_dmy")
    doc.automaticstyles.addElement(date_style)

    for r in REGISTERS:
        table = Table(name=r)
        for row in workbook_rows(src, r):
            tr = TableRow()
            for c in row:
                if c is None:
                    tr.addElement(TableCell())
                elif isinstance(c, datetime.date):
                    cell = TableCell(valuetype="date", datevalue=c.isoformat(), stylename=date_style)
                    cell.addElement(P(text=c.strftime("%d/%m/%Y")))
                    tr.addElement(cell)
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=c))
                    tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(os.path.join(dst, "registri.ods"))


WRITERS = {
    "semicolon": write_semicolon,
    "comma-iso": write_comma_iso,
    "quoteall-crlf-cp1252": write_quoteall_crlf_cp1252,
    "bom": write_bom,
    "xlsx": write_xlsx,
    "ods": write_ods,
}
WORKBOOKS = {"xlsx", "ods"}


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    src, root = sys.argv[1], sys.argv[2]
    shapes = sys.argv[3:] or os.environ.get("SHAPES", " ".join(ALL_SHAPES)).split()
    for s in shapes:
        if s not in WRITERS:
            raise SystemExit(f"dialects: unknown shape {s!r} (known: {', '.join(ALL_SHAPES)})")
    for r in REGISTERS:
        if not os.path.isfile(os.path.join(src, f"{r}.csv")):
            raise SystemExit(f"dialects: {src}/{r}.csv missing")
    largest = None
    for shape in shapes:
        dst = os.path.join(root, shape)
        marker = os.path.join(root, MARKER.format(shape))
        if os.path.exists(marker):
            continue
        if shape in WORKBOOKS:
            if largest is None:
                largest = max(count_rows(src, r) for r in REGISTERS)
            if largest > WORKBOOK_MAX_ROWS:
                log(f"skipping {shape} for {src}: {largest} rows in a sheet, over {WORKBOOK_MAX_ROWS}")
                continue
        # Written into a fresh folder, marked complete only at the end: a run
        # interrupted halfway is redone next time, never measured half-written.
        if os.path.exists(dst):
            shutil.rmtree(dst)
        os.makedirs(dst)
        t = time.monotonic()
        copy_other_files(src, dst)
        WRITERS[shape](src, dst)
        open(marker, "w").close()
        log(f"{shape}: {dst} ({time.monotonic() - t:.1f} s)")


if __name__ == "__main__":
    main()
