"""What both pandas peers need to open a register the way it was written:
its encoding, delimiter and date format (shared, so the two scripts differ
only in how they use pandas)."""

import re


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
