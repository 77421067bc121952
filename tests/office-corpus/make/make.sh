#!/usr/bin/env bash
# Regenerates the office corpus (tests/office-corpus/) from data-samples/:
# deletes every case folder, rebuilds them with LibreOffice (headless),
# openpyxl and XlsxWriter, writes MANIFEST.tsv, then checks every file.
#
#   apt-get install -y libreoffice-calc-nogui     # soffice
#   pip install openpyxl xlsxwriter python-calamine
#   bash tests/office-corpus/make/make.sh
#
# The versions the committed corpus was made with are in ../README.md; other
# versions work but may write other bytes (the check still has to pass).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
corpus=$(dirname "$here")
repo=$(cd "$corpus/../.." && pwd)

command -v soffice >/dev/null || { echo "soffice not found: apt-get install libreoffice-calc-nogui" >&2; exit 1; }
python3 -c 'import openpyxl, xlsxwriter, python_calamine' || { echo "pip install openpyxl xlsxwriter python-calamine" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export OC_CORPUS="$corpus" OC_SAMPLES="$repo/data-samples" OC_WORK="$work"
export PYTHONDONTWRITEBYTECODE=1
# The LibreOffice locale comes from the private profiles (common.py); keep
# the environment neutral so that it does not interfere.
export LC_ALL=C.UTF-8 LANG=C.UTF-8

echo "tools: $(soffice --version | head -1); $(python3 -c 'import openpyxl, xlsxwriter; print("openpyxl", openpyxl.__version__ + "; XlsxWriter", xlsxwriter.__version__)')"
python3 "$here/build.py"
python3 "$here/verify.py"
du -sh "$corpus"
