"""What every peer needs to open a register the way it was written (its
encoding, delimiter and date format) and to read its values (the columns
the figures use, the EU's members, the spellings of "yes"): shared, so the
scripts differ only in how they use their library."""

import re

EU = {"Austria", "Belgio", "Bulgaria", "Cipro", "Croazia", "Danimarca", "Estonia", "Finlandia", "Francia",
      "Germania", "Grecia", "Irlanda", "Lettonia", "Lituania", "Lussemburgo", "Malta", "Paesi Bassi", "Polonia",
      "Portogallo", "Repubblica Ceca", "Romania", "Slovacchia", "Slovenia", "Spagna", "Svezia", "Ungheria"}
TRUE = {"sì", "si", "x", "1", "true"}

# Only the columns the figures use, and which are dates; the fast peers read
# every other one as a category (a few dozen distinct values over millions
# of rows).
COLUMNS = {
    "accessi": {"data": "date", "paese": "category", "tipo_richiesta": "category",
                "genere": "category", "inviato_da": "category"},
    "utenti": {"data_presa_in_carico": "date", "data_chiusura": "date", "genere": "category",
               "paese": "category", "comune_residenza": "category", "senza_dimora": "category"},
}


def sniff(path):
    """(encoding, delimiter, date format) of a CSV, from its first block:
    a BOM means utf-8-sig; bytes that are not UTF-8 mean cp1252; the
    delimiter is the most frequent of `;`, `,` and tab in the header line;
    the date format is that of the first data row's first date."""
    with open(path, "rb") as f:
        block = f.read(1 << 16)
    block = block[: block.rfind(b"\n") + 1] or block  # whole lines only
    if block.startswith(b"\xef\xbb\xbf"):
        encoding, block = "utf-8-sig", block[3:]
    else:
        try:
            block.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    lines = block.decode(encoding).splitlines()
    header = lines[0]
    sep = max([";", ",", "\t"], key=header.count)
    first = lines[1] if len(lines) > 1 else ""
    iso = re.search(r"(?:^|[;,\t\"])\d{4}-\d{2}-\d{2}(?:$|[;,\t\"])", first)
    return encoding, sep, "%Y-%m-%d" if iso else "%d/%m/%Y"
