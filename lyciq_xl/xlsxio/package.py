"""The package parts that tie sheets together: [Content_Types].xml, the
relationships, and workbook.xml — read with defusedxml, edited as text so
everything we do not touch stays byte-for-byte (prefixes, mc:Ignorable, ext).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lyciq_xl.xlsxio import xmltext as X

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"

# CT_Workbook children that come after <calcPr> (ECMA-376 Part 1, 18.2.27).
_AFTER_CALCPR = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                 "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source_part: str, target: str) -> str:
    """Zip member name of a relationship target relative to `source_part`."""
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


@dataclass
class Sheet:
    name: str
    sheet_id: int
    rid: str
    part: str | None       # zip member, None if the target is missing


@dataclass
class Relationship:
    rid: str
    type: str
    target: str           # resolved zip member name


@dataclass
class Package:
    names: list[str]                      # zip members, in order
    content_types: str
    workbook_part: str
    workbook: str
    workbook_rels: str
    sheets: list[Sheet]
    rels: list[Relationship]
    bom: dict[str, bool] = field(default_factory=dict)

    def lookup(self, name: str) -> Sheet | None:
        """Excel compares sheet names case-insensitively."""
        key = name.casefold()
        return next((s for s in self.sheets if s.name.casefold() == key), None)

    def rel_of_type(self, suffix: str) -> Relationship | None:
        return next((r for r in self.rels if r.type.endswith(suffix)), None)

    def content_type(self, part: str) -> str | None:
        root = X.parse(self.content_types.encode("utf-8"))
        for el in root:
            if X.local(el.tag) == "Override" and el.get("PartName", "").lstrip("/").lower() == part.lower():
                return el.get("ContentType")
        ext = part.rsplit(".", 1)[-1].lower()
        for el in root:
            if X.local(el.tag) == "Default" and el.get("Extension", "").lower() == ext:
                return el.get("ContentType")
        return None


def read_package(zf: zipfile.ZipFile) -> Package:
    names = zf.namelist()
    lower = {n.lower(): n for n in names}

    def read(name: str) -> tuple[str, bool]:
        return X.decode(zf.read(lower[name.lower()]))

    if CONTENT_TYPES.lower() not in lower or ROOT_RELS not in lower:
        raise KeyError("not an Office Open XML package")
    content_types, ct_bom = read(CONTENT_TYPES)
    root_rels = X.parse(read(ROOT_RELS)[0].encode("utf-8"))
    workbook_part = next((resolve("", r.get("Target", "")) for r in root_rels
                          if r.get("Type", "").endswith("/officeDocument")), None)
    if workbook_part is None or workbook_part.lower() not in lower:
        raise KeyError("no workbook part")
    workbook_part = lower[workbook_part.lower()]
    workbook, wb_bom = read(workbook_part)
    wb_rels_part = rels_path(workbook_part)
    workbook_rels, rels_bom = read(wb_rels_part) if wb_rels_part.lower() in lower else (
        f'{X.XML_DECL}<Relationships xmlns="{X.PKG_REL_NS}"></Relationships>', False)
    rels = [Relationship(r.get("Id", ""), r.get("Type", ""),
                         lower.get(resolve(workbook_part, r.get("Target", "")).lower(),
                                   resolve(workbook_part, r.get("Target", ""))))
            for r in X.parse(workbook_rels.encode("utf-8")) if r.get("TargetMode") != "External"]
    by_id = {r.rid: r for r in rels}
    sheets = []
    root = X.parse(workbook.encode("utf-8"))
    for el in root.iter(f"{{{X.MAIN_NS}}}sheet"):
        rid = el.get(f"{{{X.REL_NS}}}id", "")
        rel = by_id.get(rid)
        part = rel.target if rel and rel.target.lower() in lower else None
        sheet_id = el.get("sheetId", "0")
        sheets.append(Sheet(el.get("name", ""), int(sheet_id) if sheet_id.isdigit() else 0, rid, part))
    return Package(names, content_types, workbook_part, workbook, workbook_rels, sheets, rels,
                   {CONTENT_TYPES: ct_bom, workbook_part: wb_bom, wb_rels_part: rels_bom})


def new_part_name(pkg: Package, taken: set[str], folder: str, stem: str, ext: str) -> str:
    used = {n.lower() for n in pkg.names} | {t.lower() for t in taken}
    k = 1
    # an orphan rels file of that name would attach its drawings to the new part
    while {f"{folder}/{stem}{k}.{ext}".lower(), rels_path(f"{folder}/{stem}{k}.{ext}").lower()} & used:
        k += 1
    return f"{folder}/{stem}{k}.{ext}"


def new_rid(pkg: Package) -> str:
    used = {r.rid for r in pkg.rels} | set(re.findall(r'\sId="([^"]*)"', pkg.workbook_rels))
    nums = [int(m) for u in used for m in re.findall(r"^rId(\d+)$", u)]
    n = max(nums, default=0) + 1
    while f"rId{n}" in used:
        n += 1
    return f"rId{n}"


def add_relationship(pkg: Package, rel_type: str, target_part: str) -> str:
    rid = new_rid(pkg)
    target = posixpath.relpath(target_part, posixpath.dirname(pkg.workbook_part) or ".")
    p = X.root_prefix(pkg.workbook_rels, "Relationships")
    xml = X.element("Relationship", [("Id", rid), ("Type", rel_type), ("Target", target)], prefix=p)
    pkg.workbook_rels = X.insert_child(pkg.workbook_rels, p, "Relationships", xml)
    pkg.rels.append(Relationship(rid, rel_type, target_part))
    return rid


def remove_relationship(pkg: Package, rid: str) -> None:
    p = re.escape(X.root_prefix(pkg.workbook_rels, "Relationships"))
    pkg.workbook_rels = re.sub(f'<{p}Relationship\\b[^>]*\\sId="{re.escape(rid)}"[^>]*?(?:/>|>.*?</{p}Relationship>)',
                               "", pkg.workbook_rels, count=1, flags=re.S)
    pkg.rels = [r for r in pkg.rels if r.rid != rid]


def add_override(pkg: Package, part: str, content_type: str) -> None:
    p = X.root_prefix(pkg.content_types, "Types")
    xml = X.element("Override", [("PartName", "/" + part), ("ContentType", content_type)], prefix=p)
    pkg.content_types = X.insert_child(pkg.content_types, p, "Types", xml)


def remove_override(pkg: Package, part: str) -> None:
    p = re.escape(X.root_prefix(pkg.content_types, "Types"))
    pkg.content_types = re.sub(f'<{p}Override\\b[^>]*\\sPartName="/{re.escape(part)}"[^>]*?/>', "",
                               pkg.content_types, count=1, flags=re.I)


def append_sheet(pkg: Package, name: str, part: str) -> None:
    """Add <sheet> at the end of <sheets>, its relationship and content type."""
    rid = add_relationship(pkg, REL_WORKSHEET, part)
    add_override(pkg, part, WORKSHEET_TYPE)
    sheet_id = max([s.sheet_id for s in pkg.sheets] + [0]) + 1
    p = X.root_prefix(pkg.workbook, "workbook")
    r = X.ns_prefix(pkg.workbook, X.REL_NS)
    attrs = [("name", name), ("sheetId", sheet_id), (f"{r or 'r'}:id", rid)]
    if r is None:
        attrs.append(("xmlns:r", X.REL_NS))
    pkg.workbook = X.insert_child(pkg.workbook, p, "sheets", X.element("sheet", attrs, prefix=p))
    pkg.sheets.append(Sheet(name, sheet_id, rid, part))


def is_date1904(pkg: Package) -> bool:
    """Whether the workbook counts dates from 1904 (workbookPr date1904, the
    default of old Mac Excel): its serials are 1462 days smaller."""
    found = X.find_element(pkg.workbook, X.root_prefix(pkg.workbook, "workbook"), "workbookPr")
    if found is None:
        return False
    value = X.get_attr(pkg.workbook[found[0]:found[1]], "date1904")
    return (value or "").strip().lower() in ("1", "true")


def set_full_calc_on_load(pkg: Package) -> None:
    """Ask Excel to recalculate every formula when it opens the file."""
    p = X.root_prefix(pkg.workbook, "workbook")
    found = X.find_element(pkg.workbook, p, "calcPr")
    if found is not None:
        tag = pkg.workbook[found[0]:found[1]]
        pkg.workbook = pkg.workbook[:found[0]] + X.set_attr(tag, "fullCalcOnLoad", 1) + pkg.workbook[found[1]:]
        return
    sheets = X.find_element(pkg.workbook, p, "sheets")
    after = sheets[3] if sheets else 0  # nested extLst (in bookViews) come before <sheets>
    positions = [f[0] for f in (X.find_element(pkg.workbook, p, t, after) for t in _AFTER_CALCPR) if f]
    at = min(positions) if positions else pkg.workbook.rindex(f"</{p}workbook>")
    pkg.workbook = pkg.workbook[:at] + f'<{p}calcPr fullCalcOnLoad="1"/>' + pkg.workbook[at:]
