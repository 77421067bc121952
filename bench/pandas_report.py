#!/usr/bin/env python3
"""What a data-literate user would write instead of integra: the accesses and
users aggregates of `integra report --format json` with pandas, on the same
registers (canonical CSV as `integra synth` writes them).

Usage: pandas_report.py DATA_DIR START END   (dates as YYYY-MM-DD)
"""
import json
import sys

import pandas as pd

EU = {"Austria", "Belgio", "Bulgaria", "Cipro", "Croazia", "Danimarca", "Estonia", "Finlandia", "Francia",
      "Germania", "Grecia", "Irlanda", "Lettonia", "Lituania", "Lussemburgo", "Malta", "Paesi Bassi", "Polonia",
      "Portogallo", "Repubblica Ceca", "Romania", "Slovacchia", "Slovenia", "Spagna", "Svezia", "Ungheria"}


def main():
    data, start, end = sys.argv[1], pd.Timestamp(sys.argv[2]), pd.Timestamp(sys.argv[3])
    a = pd.read_csv(f"{data}/accessi.csv", sep=";", dtype=str, keep_default_na=False)
    a["data"] = pd.to_datetime(a["data"], format="%d/%m/%Y")
    a = a[(a["data"] >= start) & (a["data"] <= end)]
    accesses = {
        "total": int(len(a)),
        "by_country": a.groupby("paese").size().sort_values(ascending=False).to_dict(),
        "by_request_type": a.groupby("tipo_richiesta").size().to_dict(),
        "by_month": a.groupby(a["data"].dt.strftime("%Y-%m")).size().to_dict(),
        "by_referral": a.groupby("inviato_da").size().to_dict(),
        "by_gender": a.groupby("genere").size().to_dict(),
    }
    u = pd.read_csv(f"{data}/utenti.csv", sep=";", dtype=str, keep_default_na=False)
    u["taken"] = pd.to_datetime(u["data_presa_in_carico"], format="%d/%m/%Y")
    u["closed"] = pd.to_datetime(u["data_chiusura"].replace("", None), format="%d/%m/%Y")
    u = u[(u["taken"] <= end) & (u["closed"].isna() | (u["closed"] >= start))]
    category = u["paese"].map(lambda p: "italian" if p == "Italia" else ("eu" if p in EU else "non_eu"))
    homeless = u["senza_dimora"].str.lower().isin(["sì", "si", "x", "1", "true"])
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
