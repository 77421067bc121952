#!/usr/bin/env python3
"""What a data-literate user would write instead of integra: the accesses and
users aggregates of `integra report --format json` with pandas, on the same
registers: written plainly (every column read as text, one call a file), as
most scripts are. bench/pandas_fast.py computes the same figures tuned for
speed.

Reads the canonical CSV `integra synth` writes and every other shape
bench/dialects.py writes: `;` or `,` (sniffed from the header line), UTF-8
with or without BOM or Windows-1252 (a UTF-8 decode of the first block of the
file, cp1252 on UnicodeDecodeError), dates dd/mm/yyyy or yyyy-mm-dd (from the
first data row), or one workbook registri.xlsx / registri.ods with sheets
`accessi` and `utenti`. On the canonical shape it reads exactly as before
(`;`, UTF-8, dd/mm/yyyy): the sniffing costs one 64 KiB read a file.

Usage: pandas_report.py DATA_DIR START END   (dates as YYYY-MM-DD)
"""
import json
import os
import sys

import pandas as pd

from sniff import EU, TRUE, sniff  # noqa: E402  (bench/ is the script's folder)


def read_registers(data):
    """{register: (all columns as text, empty cells as "", date format)}."""
    if all(os.path.exists(f"{data}/{n}.csv") for n in ("accessi", "utenti")):
        out = {}
        for n in ("accessi", "utenti"):
            encoding, sep, date_format = sniff(f"{data}/{n}.csv")
            out[n] = pd.read_csv(f"{data}/{n}.csv", sep=sep, dtype=str, keep_default_na=False,
                                 encoding=encoding), date_format
        return out
    for ext, engine in (("xlsx", "openpyxl"), ("ods", "odf")):
        if os.path.exists(f"{data}/registri.{ext}"):
            # Date cells come as datetimes, which dtype=str writes as
            # "2025-01-31 00:00:00".
            sheets = pd.read_excel(f"{data}/registri.{ext}", sheet_name=["accessi", "utenti"], engine=engine,
                                   dtype=str, keep_default_na=False)
            return {n: (df, "%Y-%m-%d %H:%M:%S") for n, df in sheets.items()}
    raise SystemExit(f"{data}: no accessi.csv/utenti.csv nor registri.xlsx/.ods")


def main():
    data, start, end = sys.argv[1], pd.Timestamp(sys.argv[2]), pd.Timestamp(sys.argv[3])
    registers = read_registers(data)
    a, date_format = registers["accessi"]
    a["data"] = pd.to_datetime(a["data"], format=date_format)
    a = a[(a["data"] >= start) & (a["data"] <= end)]
    accesses = {
        "total": int(len(a)),
        "by_country": a.groupby("paese").size().sort_values(ascending=False).to_dict(),
        "by_request_type": a.groupby("tipo_richiesta").size().to_dict(),
        "by_month": a.groupby(a["data"].dt.strftime("%Y-%m")).size().to_dict(),
        "by_referral": a.groupby("inviato_da").size().to_dict(),
        "by_gender": a.groupby("genere").size().to_dict(),
    }
    u, date_format = registers["utenti"]
    u["taken"] = pd.to_datetime(u["data_presa_in_carico"], format=date_format)
    u["closed"] = pd.to_datetime(u["data_chiusura"].replace("", None), format=date_format)
    u = u[(u["taken"] <= end) & (u["closed"].isna() | (u["closed"] >= start))]
    category = u["paese"].map(lambda p: "italian" if p == "Italia" else ("eu" if p in EU else "non_eu"))
    homeless = u["senza_dimora"].str.lower().isin(list(TRUE))
    users = {
        "total": int(len(u)),
        "new": int((u["taken"] >= start).sum()),
        "by_category": category.value_counts().to_dict(),
        "by_gender": u.groupby("genere").size().to_dict(),
        "by_country": u.groupby("paese").size().to_dict(),
        "residence": u[~homeless].groupby("comune_residenza").size().to_dict(),
        "no_fixed_abode": int(homeless.sum()),
    }
    json.dump({"accesses": accesses, "users": users}, sys.stdout, default=int)


if __name__ == "__main__":
    main()
