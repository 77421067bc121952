#!/usr/bin/env python3
"""How fast the fastest readers on this machine merely read an access log:
polars' multithreaded CSV reader (every column as text) and DuckDB reading
it and counting accesses by country. Not a peer (neither checks a cell nor
makes a report figure): a floor, to read integra's and pandas' times against.

Usage: floor.py ACCESSI_CSV [RUNS]   (needs `pip install polars duckdb`)
Prints the median wall seconds of each, measured in this process.
"""
import statistics
import sys
import time

import duckdb
import polars as pl

from sniff import sniff  # noqa: E402  (bench/ is the script's folder)


def timed(f, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    encoding, sep, _ = sniff(path)
    # Neither reads Windows-1252 as such: polars keeps invalid bytes as
    # replacement characters, DuckDB reads Latin-1 (the same bytes but for
    # 0x80-0x9F). Both only lower the floor.
    utf8 = encoding.startswith("utf")
    pl_encoding = "utf8" if utf8 else "utf8-lossy"
    db_encoding = "utf-8" if utf8 else "latin-1"
    read = timed(lambda: pl.read_csv(path, separator=sep, infer_schema=False, encoding=pl_encoding), runs)
    group = timed(
        lambda: duckdb.sql(
            f"select paese, count(*) from read_csv('{path}', delim='{sep}', all_varchar=true, encoding='{db_encoding}') group by paese"
        ).fetchall(),
        runs,
    )
    print(f"polars read_csv (all text): {read:.2f} s; duckdb read + count by country: {group:.2f} s")


if __name__ == "__main__":
    main()
