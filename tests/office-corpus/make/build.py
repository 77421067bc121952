"""Builds every case folder of the office corpus and MANIFEST.tsv.
Run through make.sh, which sets the paths and checks the tools."""

import shutil

import hostile
import lo_cases
import py_cases
from common import CORPUS, write_manifest

KEEP = {"make", "README.md"}


def clean():
    """Deletes every case folder (and MANIFEST.tsv): all but make/ and
    README.md."""
    for p in CORPUS.iterdir():
        if p.name in KEEP:
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()


def main():
    clean()
    lo_cases.build()
    py_cases.build()
    lo_cases.build_hostile_xls()
    hostile.build()
    write_manifest()


if __name__ == "__main__":
    main()
