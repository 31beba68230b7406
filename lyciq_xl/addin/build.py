"""Assemble the add-in workbook/lyciq.xlam from the text sources in macros/.

The package is written part by part (no template workbook): content types,
relationships, a one-sheet workbook, the ribbon (customUI14.xml) and
vbaProject.bin. Same sources => same bytes: zip entries in a fixed order,
fixed timestamps and attributes, nothing random anywhere.
"""
from __future__ import annotations

import importlib.resources
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lyciq_xl import resources
from lyciq_xl.addin import vbaproject as vp
from lyciq_xl.addin import xlwings_patch
from lyciq_xl.xlsxio.styles import MINIMAL_STYLESHEET
from lyciq_xl.xlsxio.xmltext import XML_DECL

MACROS = resources.MACROS
DEFAULT_OUT = resources.WORKBOOK_DIR / "lyciq.xlam"

XLAM_MAIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
REL_UI14 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
# xlwings' custom add-in module reads its settings from <PROJECT_NAME>.conf;
# ours is lyciq.conf (see docs/addin.md and xlwings_patch).
PROJECT_NAME = xlwings_patch.PROJECT_NAME
CONF_SHEET = "lyciq"              # the add-in's single (hidden) sheet
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)      # the earliest time a zip can hold


@dataclass(frozen=True)
class Sources:
    ribbon: bytes                 # customUI14.xml
    modules: list[vp.Module]


def xlwings_vba() -> list[vp.Module]:
    """xlwings' own VBA, from the installed xlwings (so VBA and Python match),
    patched so that no workbook can choose what a button runs (xlwings_patch)."""
    root = importlib.resources.files("xlwings")
    bas = xlwings_patch.patch_xlwings_bas(
        (root / "xlwings_custom_addin.bas").read_text(encoding="utf-8"))
    cls = (root / "addin" / "Dictionary.cls").read_text(encoding="utf-8")
    return [vp.module_from_source(bas, vp.PROCEDURAL),
            vp.module_from_source(cls, vp.CLASS)]


def read_sources(macros: Path = MACROS, *,
                 test_modules: list[vp.Module] | None = None) -> Sources:
    """The add-in's sources. `test_modules` replace xlwings' VBA (test builds
    that LibreOffice Basic can compile, with a stub RunPython)."""
    modules = [
        vp.document_module("ThisWorkbook", vp.VB_BASE["ThisWorkbook"],
                           (macros / "ThisWorkbook.cls").read_text(encoding="ascii")),
        vp.document_module("Sheet1", vp.VB_BASE["Sheet"]),
    ]
    modules += [vp.module_from_source(path.read_text(encoding="ascii"), vp.PROCEDURAL)
                for path in sorted(macros.glob("*.bas"))]
    modules += xlwings_vba() if test_modules is None else test_modules
    return Sources((macros / "ribbon.xml").read_bytes(), modules)


def _xml(body: str) -> bytes:
    return (XML_DECL + body).encode()


def _content_types(main: str) -> bytes:
    overrides = [
        ("/xl/workbook.xml", main),
        ("/xl/worksheets/sheet1.xml",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"),
        ("/xl/styles.xml",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
        ("/docProps/app.xml",
         "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
    ]
    return _xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>")


def _rels(items: list[tuple[str, str, str]]) -> bytes:
    return _xml(f'<Relationships xmlns="{_PKG_R}">' + "".join(
        f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in items)
        + "</Relationships>")


def _parts(src: Sources, main: str) -> dict[str, bytes]:
    od = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    visibility = ' visibility="hidden"' if main == XLAM_MAIN else ""
    return {
        "[Content_Types].xml": _content_types(main),
        "_rels/.rels": _rels([
            ("rId1", f"{od}/officeDocument", "xl/workbook.xml"),
            ("rId2", f"{_PKG_R}/metadata/core-properties", "docProps/core.xml"),
            ("rId3", f"{od}/extended-properties", "docProps/app.xml"),
            ("rId4", REL_UI14, "customUI/customUI14.xml"),
        ]),
        "customUI/customUI14.xml": src.ribbon,
        "docProps/app.xml": _xml(
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>lyciq-xl</Application></Properties>"),
        "docProps/core.xml": _xml(
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>绩效考核加载项</dc:title>'
            "<dc:creator>lyciq-xl</dc:creator></cp:coreProperties>"),
        "xl/_rels/workbook.xml.rels": _rels([
            ("rId1", f"{od}/worksheet", "worksheets/sheet1.xml"),
            ("rId2", f"{od}/styles", "styles.xml"),
            ("rId3", REL_VBA, "vbaProject.bin"),
        ]),
        "xl/workbook.xml": _xml(
            f'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{_R}">'
            '<workbookPr codeName="ThisWorkbook"/>'
            f"<bookViews><workbookView{visibility}/></bookViews>"
            f'<sheets><sheet name="{CONF_SHEET}" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"),
        "xl/worksheets/sheet1.xml": _xml(
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetPr codeName="Sheet1"/><sheetData/></worksheet>'),
        "xl/styles.xml": MINIMAL_STYLESHEET.encode(),
        "xl/vbaProject.bin": vp.build_vba_project(src.modules),
    }


def package(src: Sources, *, xlsm: bool = False) -> bytes:
    """The .xlam (or, for tests, .xlsm) bytes for `src`."""
    parts = _parts(src, XLSM_MAIN if xlsm else XLAM_MAIN)
    order = ["[Content_Types].xml"] + sorted(p for p in parts if p != "[Content_Types].xml")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            # Stored, not deflated: deflate output may differ between zlib
            # builds (zlib-ng), and the committed add-in must rebuild to the
            # same bytes everywhere. The package is ~100 KB either way.
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0
            info.create_version = info.extract_version = 20
            info.external_attr = 0
            zf.writestr(info, parts[name])
    return buf.getvalue()


def build(out: Path = DEFAULT_OUT, macros: Path = MACROS) -> Path:
    """Write the add-in to `out` (only if its bytes changed) and return it."""
    data = package(read_sources(macros))
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists() or out.read_bytes() != data:
        out.write_bytes(data)
    return out
