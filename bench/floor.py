#!/usr/bin/env python3
"""How fast the fastest tools on this machine do less than integra does, on
the same registers: a floor to read integra's and pandas' times against.

- polars' multithreaded CSV reader reading the access log, every column as
  text;
- DuckDB reading the access log and counting accesses by country;
- polars making every figure of pandas_fast.py from both registers (lazy
  queries collected together, on both cores), checked to give the same
  figures as pandas_fast.py.

None of them checks a cell, so none is a peer: each is what a validating
tool would have to beat. Times are measured inside this one Python process,
after the imports (a script run from the shell also pays for starting
Python and importing the library: `python3 -c "import polars"` alone takes
about 0.15 s here, pandas about 0.4 s).

Usage: floor.py DATA_DIR START END [RUNS]   (dates as YYYY-MM-DD; needs
`pip install polars duckdb` beside pandas). Prints the median wall seconds
of each.
"""
import datetime
import json
import statistics
import subprocess
import sys
import time

import duckdb
import polars as pl

from polars_fast import encodings, figures  # noqa: E402  (bench/ is the script's folder)


def timed(f, runs):
    """(median wall seconds of `runs` calls of f, what the last call returned)."""
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main():
    data, start, end = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    path = f"{data}/accessi.csv"
    sep, pl_enc, db_enc, _ = encodings(path)
    read, _ = timed(lambda: pl.read_csv(path, separator=sep, infer_schema=False, encoding=pl_enc), runs)
    group, _ = timed(
        lambda: duckdb.sql(
            f"select paese, count(*) from read_csv('{path}', delim='{sep}', all_varchar=true, encoding='{db_enc}') group by paese"
        ).fetchall(),
        runs,
    )
    first, last = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    made, ours = timed(lambda: figures(data, first, last), runs)
    script = f"{sys.path[0]}/pandas_fast.py"
    run = subprocess.run([sys.executable, script, data, start, end], capture_output=True, check=True)
    same = "the same figures as pandas_fast.py" if ours == json.loads(run.stdout) else "FIGURES DIFFER from pandas_fast.py"
    print(f"polars read_csv (all text): {read:.2f} s; duckdb read + count by country: {group:.2f} s; "
          f"polars, every figure ({same}): {made:.2f} s")


if __name__ == "__main__":
    main()
