#!/usr/bin/env python3
"""The figures of pandas_report.py, written the way a pandas user who cares
about speed would write them: the pyarrow CSV engine (the C engine when
pyarrow is missing), only the columns needed, categoricals for the repeated
strings, each distinct date parsed once with an explicit format, and both
sheets of a workbook read in one call.

Reads every shape bench/dialects.py writes: `;` or `,` (sniffed from the
header line), UTF-8 with or without BOM or Windows-1252 (a UTF-8 decode of
the first block of the file, cp1252 on UnicodeDecodeError), dates dd/mm/yyyy
or yyyy-mm-dd (from the first data row), or one workbook registri.xlsx /
registri.ods with sheets `accessi` and `utenti`.

Usage: pandas_fast.py DATA_DIR START END   (dates as YYYY-MM-DD)
Prints the same JSON figures as pandas_report.py.
"""
import json
import os
import sys

import numpy as np
import pandas as pd

try:
    import pyarrow  # noqa: F401  (only its presence matters)

    ENGINE = "pyarrow"
except ImportError:
    ENGINE = "c"

WORKBOOK_ENGINES = {"xlsx": "openpyxl", "ods": "odf"}


from sniff import COLUMNS, EU, TRUE, sniff  # noqa: E402  (bench/ is the script's folder)


def read_csv(path, name):
    encoding, sep, date_format = sniff(path)
    wanted = COLUMNS[name]
    df = pd.read_csv(path, sep=sep, encoding=encoding, engine=ENGINE, usecols=list(wanted),
                     dtype={c: "category" for c in wanted}, keep_default_na=False)
    for c, kind in wanted.items():
        if kind == "date":
            df[c] = parse_dates(df[c], date_format)
    return df


def parse_dates(col, fmt):
    """A categorical of date strings to datetime64, parsing each distinct
    string once; empty strings become NaT."""
    days = pd.to_datetime(col.cat.categories, format=fmt).to_numpy()
    codes = col.cat.codes.to_numpy()
    values = days[codes]
    values[codes < 0] = np.datetime64("NaT")
    return pd.Series(values, index=col.index)


def read_workbook(path):
    """Both sheets in one read_excel call; date cells arrive as datetimes."""
    wanted = set()
    for cols in COLUMNS.values():
        wanted.update(cols)
    categories = {c for cols in COLUMNS.values() for c, kind in cols.items() if kind == "category"}
    engine = WORKBOOK_ENGINES[path.rsplit(".", 1)[1]]
    sheets = pd.read_excel(path, sheet_name=list(COLUMNS), engine=engine, usecols=lambda c: c in wanted,
                           dtype={c: "category" for c in categories}, keep_default_na=False)
    for name, df in sheets.items():
        for c, kind in COLUMNS[name].items():
            if kind == "date":
                # An empty cell (keep_default_na=False keeps it as "") is no date.
                df[c] = pd.to_datetime(df[c].replace("", None))
    return sheets


def read_registers(data):
    if all(os.path.exists(f"{data}/{n}.csv") for n in COLUMNS):
        return {n: read_csv(f"{data}/{n}.csv", n) for n in COLUMNS}
    for ext in WORKBOOK_ENGINES:
        if os.path.exists(f"{data}/registri.{ext}"):
            return read_workbook(f"{data}/registri.{ext}")
    raise SystemExit(f"{data}: no accessi.csv/utenti.csv nor registri.xlsx/.ods")


def counts(col):
    """{value: rows} of the values present (unobserved categories left out)."""
    s = col.value_counts(sort=False)
    return {str(k): int(v) for k, v in s[s > 0].sort_index().items()}


def main():
    data, start, end = sys.argv[1], pd.Timestamp(sys.argv[2]), pd.Timestamp(sys.argv[3])
    registers = read_registers(data)

    a = registers["accessi"]
    a = a[(a["data"] >= start) & (a["data"] <= end)]
    per_day = a["data"].value_counts()  # a few hundred days: months from these
    by_month = per_day.groupby(per_day.index.strftime("%Y-%m")).sum()
    by_country = counts(a["paese"])
    accesses = {
        "total": int(len(a)),
        "by_country": dict(sorted(by_country.items(), key=lambda kv: -kv[1])),
        "by_request_type": counts(a["tipo_richiesta"]),
        "by_month": {k: int(v) for k, v in by_month.items()},
        "by_referral": counts(a["inviato_da"]),
        "by_gender": counts(a["genere"]),
    }

    u = registers["utenti"]
    u = u[(u["data_presa_in_carico"] <= end) & (u["data_chiusura"].isna() | (u["data_chiusura"] >= start))]
    # Category and homelessness decided once per distinct value, not per row.
    category = u["paese"].map(lambda p: "italian" if p == "Italia" else ("eu" if p in EU else "non_eu"))
    abode = u["senza_dimora"].cat.categories
    homeless = u["senza_dimora"].isin([v for v in abode if str(v).lower() in TRUE])
    users = {
        "total": int(len(u)),
        "new": int((u["data_presa_in_carico"] >= start).sum()),
        "by_category": dict(sorted(counts(category).items(), key=lambda kv: -kv[1])),
        "by_gender": counts(u["genere"]),
        "by_country": counts(u["paese"]),
        "residence": counts(u.loc[~homeless, "comune_residenza"]),
        "no_fixed_abode": int(homeless.sum()),
    }
    json.dump({"accesses": accesses, "users": users}, sys.stdout)


if __name__ == "__main__":
    main()
