"""Hostile sizes: .ods files of a few KB whose content.xml repeats one cell
with table:number-columns-repeated and table:number-rows-repeated, so that a
reader that expands the repetitions builds tens of millions of cells."""

import zipfile

from common import new_case

MANIFEST_XML = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
      'office:version="1.2"')

STYLES_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NS}><office:styles/></office:document-styles>
"""

META_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {NS}><office:meta><meta:generator>integra office corpus (hand-written)</meta:generator></office:meta></office:document-meta>
"""


def content_xml(rows, cols, sheet="accessi"):
    """Written without whitespace between elements, as LibreOffice writes it
    (calamine refuses text nodes between a row's cells)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content {NS}><office:body><office:spreadsheet>'
        f'<table:table table:name="{sheet}">'
        f'<table:table-column table:number-columns-repeated="{cols}"/>'
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{cols}" '
        'office:value-type="float" office:value="1"><text:p>1</text:p>'
        '</table:table-cell></table:table-row></table:table>'
        '</office:spreadsheet></office:body></office:document-content>')


def write_ods(path, rows, cols):
    with zipfile.ZipFile(path, "w") as z:
        # The mimetype comes first and is stored uncompressed.
        info = zipfile.ZipInfo("mimetype", date_time=(2025, 7, 10, 9, 0, 0))
        z.writestr(info, "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        for name, text in [("content.xml", content_xml(rows, cols)),
                           ("styles.xml", STYLES_XML),
                           ("meta.xml", META_XML),
                           ("META-INF/manifest.xml", MANIFEST_XML)]:
            info = zipfile.ZipInfo(name, date_time=(2025, 7, 10, 9, 0, 0))
            z.writestr(info, text, compress_type=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 20_000, path


def build():
    made_by = "python3 zipfile (hand-written content.xml)"
    for name, rows, cols in [("hostile/ods-20m-cells", 20_000, 1_000),
                             ("hostile/ods-100m-cells", 100_000, 1_000)]:
        case = new_case(
            name, made_by, "hostile",
            f"accessi.ods of about 1 KB whose one row of one cell is repeated {cols} times across and {rows} times down: {rows * cols // 1_000_000} million cells holding 1",
            "file-unreadable", replace=["accessi"])
        write_ods(case / "accessi.ods", rows, cols)
