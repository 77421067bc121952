#!/usr/bin/env python3
"""The figures of pandas_fast.py, made with polars the way a polars user
would: lazy scans of only the columns needed, every figure's query
collected in one call (so the scans are shared and run on both cores),
dates parsed with the file's format. Like the pandas peers it checks no
cell. CSV only (polars reads no workbook without another library).
run.sh measures it as a third peer; floor.py times it in process.

Usage: polars_fast.py DATA_DIR START END   (dates as YYYY-MM-DD; needs
`pip install polars`). Prints the same JSON figures as pandas_fast.py.
"""
import datetime
import json
import sys

import polars as pl

from sniff import COLUMNS, EU, TRUE, sniff  # noqa: E402  (bench/ is the script's folder)


def encodings(path):
    """(separator, polars encoding, DuckDB encoding, date format). Neither
    library reads Windows-1252 as such: the encodings given are what
    floor.py's bare reads use (polars keeps invalid bytes as replacement
    characters, DuckDB reads Latin-1, the same bytes but for 0x80-0x9F),
    which only lowers the floor; `scan` decodes such a file properly."""
    encoding, sep, date_format = sniff(path)
    utf8 = encoding.startswith("utf")
    return sep, "utf8" if utf8 else "utf8-lossy", "utf-8" if utf8 else "latin-1", date_format


def scan(path, name):
    """The columns pandas_fast.py reads, empty cells kept as "" (as its
    keep_default_na=False does), dates parsed with the file's format. polars
    reads only UTF-8: a Windows-1252 file is decoded by Python first, as a
    polars user must."""
    sep, enc, _, fmt = encodings(path)
    wanted = COLUMNS[name]
    if enc == "utf8":
        lf = pl.scan_csv(path, separator=sep, infer_schema=False)
    else:
        with open(path, encoding="cp1252", newline="") as f:
            text = f.read().encode()
        lf = pl.read_csv(text, separator=sep, infer_schema=False, columns=list(wanted)).lazy()
    return lf.select(
        pl.col(c).str.strptime(pl.Date, fmt, strict=False) if kind == "date" else pl.col(c).fill_null("")
        for c, kind in wanted.items()
    )


def pairs(frame):
    """{value: rows} of a frame of (value, count) rows."""
    return {str(k): int(v) for k, v in frame.iter_rows()}


def figures(data, start, end):
    """The figures of pandas_fast.py, made with polars."""
    a = scan(f"{data}/accessi.csv", "accessi").filter(pl.col("data").is_between(start, end))
    u = scan(f"{data}/utenti.csv", "utenti").filter(
        (pl.col("data_presa_in_carico") <= end)
        & (pl.col("data_chiusura").is_null() | (pl.col("data_chiusura") >= start))
    )
    category = (
        pl.when(pl.col("paese") == "Italia")
        .then(pl.lit("italian"))
        .when(pl.col("paese").is_in(list(EU)))
        .then(pl.lit("eu"))
        .otherwise(pl.lit("non_eu"))
        .alias("category")
    )
    homeless = pl.col("senza_dimora").str.to_lowercase().is_in(list(TRUE))
    a_counts = [a.group_by(c).agg(pl.len()) for c in ["paese", "tipo_richiesta", "inviato_da", "genere"]]
    by_month = a.group_by(pl.col("data").dt.strftime("%Y-%m").alias("month")).agg(pl.len())
    u_total = u.select(pl.len().alias("total"), (pl.col("data_presa_in_carico") >= start).sum().alias("new"),
                       homeless.sum().alias("homeless"))
    u_counts = [
        u.group_by(category).agg(pl.len()),
        u.group_by("genere").agg(pl.len()),
        u.group_by("paese").agg(pl.len()),
        u.filter(~homeless).group_by("comune_residenza").agg(pl.len()),
    ]
    country, kind, referral, gender, month, totals, ucat, ugender, ucountry, residence = pl.collect_all(
        a_counts + [by_month, u_total] + u_counts
    )
    return {
        "accesses": {
            "total": int(country["len"].sum()),
            "by_country": pairs(country),
            "by_request_type": pairs(kind),
            "by_month": pairs(month),
            "by_referral": pairs(referral),
            "by_gender": pairs(gender),
        },
        "users": {
            "total": int(totals["total"][0]),
            "new": int(totals["new"][0]),
            "by_category": pairs(ucat),
            "by_gender": pairs(ugender),
            "by_country": pairs(ucountry),
            "residence": pairs(residence),
            "no_fixed_abode": int(totals["homeless"][0]),
        },
    }


def main():
    data = sys.argv[1]
    start, end = (datetime.date.fromisoformat(d) for d in sys.argv[2:4])
    json.dump(figures(data, start, end), sys.stdout)


if __name__ == "__main__":
    main()
