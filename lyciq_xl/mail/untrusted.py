"""Open a returned workbook without trusting anything in it.

Order matters: the raw bytes and the zip directory are checked first (size,
members, duplicate names, compression ratio, macro/ActiveX/external-link/
embedded parts), then every member is actually decompressed under a byte
budget (a zip's declared sizes can lie), then every XML part - and every part
the workbook's relationships name, whatever its name - is parsed with
defusedxml (no DTD, no entities), worksheets are measured, and only then is
the workbook handed to calamine - which reads cached values only, so formulas
never run. Whatever calamine reads must have passed the same checks: parts
and sheets are looked up as calamine does (ignoring case, by position where
r= is missing). Any failure raises UntrustedFileError with a Chinese reason.
"""
from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

import python_calamine
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from xml.etree.ElementTree import ParseError

from lyciq_xl.contract import ADDIN_CONFIG_NAMES
from lyciq_xl.errors import UntrustedFileError
from lyciq_xl.table import cell_address


@dataclass(frozen=True)
class Limits:
    max_file: int = 10 * 1024 * 1024          # a section workbook is ~30 KB
    max_members: int = 300
    max_total: int = 16 * 1024 * 1024         # all members decompressed (a real one: ~50 KB;
                                              # 49 MB of XML peaked at 1.3 GB to parse)
    max_ratio: int = 100                      # per member, once it is large
    ratio_floor: int = 1024 * 1024            # small parts may compress well
    max_eml: int = 30 * 1024 * 1024
    # calamine materialises a sheet as a dense grid: one cell at XFD1048576
    # would allocate billions of cells, so the extent is checked first.
    max_rows: int = 20_000
    max_cols: int = 200


DEFAULT_LIMITS = Limits()
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xls", ".xlsb", ".xlt", ".xla")
# other spreadsheet formats a section may send: why not, and what to send
OTHER_FORMATS = (
    ((".ods", ".fods"), "是OpenDocument电子表格(.ods),不是分发的Excel工作簿",
     "请在WPS或LibreOffice中用“另存为”选择“Excel工作簿(*.xlsx)”后重新发送。"),
    ((".et", ".ett"), "是WPS表格格式(.et),不是分发的Excel工作簿",
     "请在WPS表格中用“另存为”选择“Excel工作簿(*.xlsx)”后重新发送。"),
    ((".csv", ".txt"), "是文本文件(.csv),不含分发工作簿的校验信息",
     "请直接在分发的.xlsx工作簿中填写并保存后发送,不要另存为CSV。"),
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FORBIDDEN_PARTS = (  # lower-case substrings of part names -> reason
    ("vbaproject", "含有宏(VBA)"),
    ("activex", "含有ActiveX控件"),
    ("externallink", "含有外部链接"),
    ("embeddings/", "含有嵌入对象"),
    ("oleobject", "含有嵌入对象"),
    ("connections.xml", "含有外部数据连接"),
)
FORBIDDEN_RELATIONS = {  # last segment of a relationship Type -> reason
    "vbaproject": "宏(VBA)", "activexcontrol": "ActiveX控件", "control": "ActiveX控件",
    "externallink": "外部链接", "oleobject": "嵌入对象", "package": "嵌入对象",
    "attachedtemplate": "外部模板", "connections": "外部数据连接",
    # Excel 4.0 (XLM) macro sheets: macros without any VBA part
    "xlmacrosheet": "宏表(Excel 4.0宏)", "xlintlmacrosheet": "宏表(Excel 4.0宏)",
}
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "ms-office.activex", "macrosheet")

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
NS_DCTERMS = "{http://purl.org/dc/terms/}"
REL_CUSTOM = "/custom-properties"
REL_CORE = "/core-properties"


@dataclass
class SafeWorkbook:
    name: str
    props: dict[str, str]                              # custom document properties
    sheets: dict[str, list[list[Any]]]                 # sheet -> dense grid from A1
    formulas: dict[str, set[str]] = field(default_factory=dict)  # sheet -> addresses
    # when the file was last saved (docProps/core.xml dcterms:modified), local
    # time without zone; None when absent or unreadable. Claimed by the sender.
    modified: dt.datetime | None = None


def refuse(name: str, reason: str, fix: str) -> UntrustedFileError:
    return UntrustedFileError(f"文件“{name}”被拒收:{reason}。{fix}")


def safe_name(name: str) -> str:
    """Just the base name of an attachment / path, never a path; an
    attachment's name can be any length, so a long one keeps its ends."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name or "未命名附件"
    return base if len(base) <= 200 else base[:180] + "…" + base[-19:]


def check_name(name: str) -> None:
    lower = name.lower()
    if lower.strip() in ADDIN_CONFIG_NAMES:
        raise refuse(name, "是Excel加载项的设置文件名。放在工作簿旁边的同名文件可能指定打开工作簿后"
                     "功能区按钮要运行的程序,出于安全原因不接收;请勿把它保存到任何工作簿所在的文件夹,"
                     "并请告知信息管理人员", "请科室只发送填好的.xlsx工作簿。")
    if lower.endswith(MACRO_SUFFIXES):
        raise refuse(name, "是启用宏的工作簿或旧版Excel格式(.xlsm/.xls/.xlsb),出于安全原因不接收",
                     "请在Excel中“另存为”“Excel工作簿(*.xlsx)”后重新发送。")
    for suffixes, reason, fix in OTHER_FORMATS:
        if lower.endswith(suffixes):
            raise refuse(name, reason, fix)
    if not lower.endswith(".xlsx"):
        raise refuse(name, "不是Excel工作簿(.xlsx)", "请发送分发时收到的.xlsx文件(填好后直接保存,"
                     "不要改变文件格式)。")


def _open_zip(name: str, data: bytes, limits: Limits) -> zipfile.ZipFile:
    if len(data) > limits.max_file:
        raise refuse(name, f"文件过大({len(data) // 1024} KB,上限 {limits.max_file // 1024} KB)",
                     "请只填写分发的工作簿,不要插入图片或附件。")
    if data[:8] == OLE_MAGIC:
        raise refuse(name, "是加密文件或旧版Excel格式(.xls)", "请取消文件密码,另存为.xlsx后重新发送。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise refuse(name, f"不是有效的Excel工作簿(文件已损坏:{exc})",
                     "请在Excel中打开并另存为.xlsx后重新发送。") from exc
    if len(infos) > limits.max_members:
        raise refuse(name, f"内部部件过多({len(infos)}个),疑似压缩炸弹", "请重新发送分发的原文件。")
    seen: set[str] = set()
    for info in infos:
        # part names are case-insensitive (OPC) and calamine looks them up so:
        # of two "sheet2.xml" it would read one while our checks saw the other
        key = info.filename.replace("\\", "/").lstrip("/").lower()
        if key in seen:
            raise refuse(name, f"含有重复的部件“{info.filename}”,可能是恶意构造的文件",
                         "请在Excel中打开并另存为.xlsx后重新发送。")
        seen.add(key)
    declared = 0
    for info in infos:
        lower = info.filename.lower()
        for needle, reason in FORBIDDEN_PARTS:
            if needle in lower:
                raise refuse(name, f"{reason}({info.filename}),出于安全原因不接收",
                             "请删除宏/控件/外部链接/嵌入对象,另存为.xlsx后重新发送。")
        if info.flag_bits & 0x1:
            raise refuse(name, "内容已加密", "请取消文件密码后重新发送。")
        declared += info.file_size
        if info.file_size > limits.ratio_floor and \
                info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise refuse(name, f"部件“{info.filename}”压缩比异常"
                         f"({info.file_size}/{info.compress_size}),疑似压缩炸弹",
                         "请重新发送分发的原文件。")
    if declared > limits.max_total:
        raise refuse(name, "解压后内容过大,疑似压缩炸弹", "请重新发送分发的原文件。")
    return archive


def _inflate(name: str, archive: zipfile.ZipFile, limits: Limits) -> dict[str, bytes]:
    """Decompress every member, counting real bytes: declared sizes can lie."""
    parts, budget = {}, limits.max_total
    for info in archive.infolist():
        chunks, size = [], 0
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(65536):
                    size += len(chunk)
                    if size > budget or size > info.file_size:
                        raise refuse(name, f"部件“{info.filename}”解压后超出限制,疑似压缩炸弹",
                                     "请重新发送分发的原文件。")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError,
                RuntimeError) as exc:   # RuntimeError: encrypted member
            raise refuse(name, f"部件“{info.filename}”无法解压({exc})",
                         "请在Excel中打开并另存为.xlsx后重新发送。") from exc
        budget -= size
        parts[info.filename] = b"".join(chunks)
    return parts


def _parse_xml(name: str, part: str, data: bytes):
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except DefusedXmlException as exc:
        raise refuse(name, f"部件“{part}”含有XML实体/文档类型声明({type(exc).__name__}),"
                     "可能是恶意构造的文件", "请重新发送分发的原文件。") from exc
    except ParseError as exc:
        raise refuse(name, f"部件“{part}”不是有效的XML({exc})",
                     "请在Excel中打开并另存为.xlsx后重新发送。") from exc


def _xml_parts(name: str, parts: dict[str, bytes]) -> dict[str, Any]:
    trees = {}
    for part, data in parts.items():
        if part.lower().endswith(".vml"):
            # legacy VML (cell comments) is often not well-formed XML and no
            # reader here parses it; only refuse declarations in it
            if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
                raise refuse(name, f"部件“{part}”含有XML实体/文档类型声明,可能是恶意构造的文件",
                             "请重新发送分发的原文件。")
            continue
        # by name and by content: a rels target may point at "sheet1.dat"
        if part.lower().endswith((".xml", ".rels")) or \
                data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
            trees[part] = _parse_xml(name, part, data)
    for part, tree in trees.items():
        if part.lower().endswith(".rels"):
            for rel in tree:
                kind = (rel.get("Type") or "").rsplit("/", 1)[-1].lower()
                if kind in FORBIDDEN_RELATIONS:
                    raise refuse(name, f"含有{FORBIDDEN_RELATIONS[kind]}(关系 {kind}),出于安全原因不接收",
                                 "请删除宏/控件/外部链接/嵌入对象,另存为.xlsx后重新发送。")
    # calamine reads the parts the workbook's relationships name, whatever
    # their file name or first byte ("sheet2.bin" starting with "x" used to
    # skip the DTD, extent and formula checks): each one must be XML too
    by_lower = {p.lower(): p for p in parts}
    for target in _workbook_targets(trees).values():
        part = by_lower.get(target.lower())
        if part is not None and part not in trees:
            trees[part] = _parse_xml(name, part, parts[part])
    types = trees.get("[Content_Types].xml")
    if types is None:
        raise refuse(name, "缺少[Content_Types].xml,不是有效的Excel工作簿", "请重新发送分发的原文件。")
    for node in types:
        ctype = (node.get("ContentType") or "").lower()
        if any(m in ctype for m in MACRO_CONTENT_TYPES):
            raise refuse(name, f"含有宏或控件(内容类型 {ctype}),出于安全原因不接收",
                         "请另存为“Excel工作簿(*.xlsx)”后重新发送。")
    return trees


def _rel_target(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _custom_props(trees: dict[str, Any]) -> dict[str, str]:
    rels = trees.get("_rels/.rels")
    part = None
    for rel in (rels if rels is not None else []):
        if (rel.get("Type") or "").endswith(REL_CUSTOM):
            part = _rel_target("", rel.get("Target") or "")
    root = trees.get(part or "docProps/custom.xml")
    props = {}
    for prop in (root if root is not None else []):
        if prop.tag == f"{NS_CUSTOM}property" and prop.get("name"):
            props[prop.get("name")] = "".join(prop.itertext()).strip()
    return props


def _modified(trees: dict[str, Any]) -> dt.datetime | None:
    """dcterms:modified of the core properties as local time, or None."""
    rels = trees.get("_rels/.rels")
    part = "docProps/core.xml"
    for rel in (rels if rels is not None else []):
        if (rel.get("Type") or "").endswith(REL_CORE):
            part = _rel_target("", rel.get("Target") or "")
    root = _tree(trees, part)
    node = root.find(f"{NS_DCTERMS}modified") if root is not None else None
    text = "".join(node.itertext()).strip() if node is not None else ""
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if when.tzinfo is None:          # W3CDTF without zone: Office writes UTC
            when = when.replace(tzinfo=dt.timezone.utc)
        return when.astimezone().replace(tzinfo=None, microsecond=0)
    except (ValueError, OverflowError, OSError):
        return None


def _tree(trees: dict[str, Any], part: str):
    """A parsed part by name, ignoring case as OPC (and calamine) do."""
    part = part.lower()
    return next((tree for name, tree in trees.items() if name.lower() == part), None)


def _workbook_targets(trees: dict[str, Any]) -> dict[str, str]:
    """relationship id -> part name, for every workbook relationship: calamine
    ignores TargetMode, so an "External" one naming a part is read all the same."""
    rels = _tree(trees, "xl/_rels/workbook.xml.rels")
    return {r.get("Id"): _rel_target("xl/workbook.xml", r.get("Target") or "")
            for r in (rels if rels is not None else [])
            if r.tag == f"{NS_PKG_REL}Relationship"}


def _formulas(trees: dict[str, Any]) -> dict[str, set[str]]:
    """sheet name -> addresses of cells holding a formula (values are imported
    as the cached text only; the receipt mentions them)."""
    book = _tree(trees, "xl/workbook.xml")
    targets = _workbook_targets(trees)
    if book is None or not targets:
        return {}
    found = {}
    for sheet in book.iter(f"{NS_MAIN}sheet"):
        tree = _tree(trees, targets.get(sheet.get(f"{NS_REL}id"), ""))
        if tree is None:
            continue
        # addressed by position, not by r=: a cell may omit r (calamine places it)
        cells = {cell_address(row, col) for cell, row, col in _cells(tree)
                 if cell.find(f"{NS_MAIN}f") is not None}
        if cells:
            found[sheet.get("name")] = cells
    return found


def _cells(tree):
    """(cell, row 1-based, col 0-based) of a worksheet, placing cells and rows
    that omit r= where calamine puts them (after the previous one)."""
    last_row = 0
    for row in tree.iter(f"{NS_MAIN}row"):
        row_no = last_row = _int(row.get("r"), last_row + 1)
        col = -1
        for cell in row.iter(f"{NS_MAIN}c"):
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                row_no = _int(ref[len(letters):], row_no)
                col = _col_index(letters) if letters else col + 1
            else:
                col += 1
            yield cell, row_no, col


def _check_extent(name: str, trees: dict[str, Any], limits: Limits) -> None:
    """Refuse worksheets reaching beyond a sane grid before calamine sees them."""
    for part, tree in trees.items():
        if tree.tag != f"{NS_MAIN}worksheet":
            continue
        for _cell, row, col in _cells(tree):
            if col >= limits.max_cols:
                raise refuse(name, f"工作表部件“{part}”的列数超出限制({limits.max_cols}列)",
                             "请只在分发的表格范围内填写。")
            if row > limits.max_rows:
                raise refuse(name, f"工作表部件“{part}”的行数超出限制({limits.max_rows}行)",
                             "请只在分发的表格范围内填写。")
        for row in tree.iter(f"{NS_MAIN}row"):       # a row may be empty
            if _int(row.get("r"), 0) > limits.max_rows:
                raise refuse(name, f"工作表部件“{part}”的行数超出限制({limits.max_rows}行)",
                             "请只在分发的表格范围内填写。")


def _check_sheet_names(name: str, trees: dict[str, Any]) -> None:
    """Excel never writes two sheets of one name (ignoring case); calamine
    would read the first while the formula check kept the last."""
    book = _tree(trees, "xl/workbook.xml")
    seen: set[str] = set()
    for sheet in (book.iter(f"{NS_MAIN}sheet") if book is not None else ()):
        key = (sheet.get("name") or "").casefold()
        if key in seen:
            raise refuse(name, f"含有两个同名工作表“{sheet.get('name')}”,可能是恶意构造的文件",
                         "请在Excel中打开并另存为.xlsx后重新发送。")
        seen.add(key)


def _check_addin_config(name: str, trees: dict[str, Any]) -> None:
    """The add-in's xlwings code reads its settings (which Python to run,
    PYTHONPATH) from a sheet of the active workbook named like its config:
    a returned workbook carrying one could choose the program the office's
    next ribbon click starts. Refused whatever its visibility, also as a
    defined name."""
    book = _tree(trees, "xl/workbook.xml")
    if book is None:
        return
    found = [(kind, node.get("name") or "")
             for kind, tag in (("工作表", "sheet"), ("名称", "definedName"))
             for node in book.iter(f"{NS_MAIN}{tag}")]
    for kind, value in found:
        if value.strip().casefold() in ADDIN_CONFIG_NAMES:
            raise refuse(name, f"含有名为“{value}”的{kind}。Excel加载项会从当前工作簿中同名的工作表读取"
                         "设置(包括要运行的程序),打开此文件后点击功能区按钮可能运行发送者指定的程序,"
                         "出于安全原因不接收;请勿在Excel中打开此文件,并请告知信息管理人员",
                         "请科室删除该工作表/名称后重新发送,或使用分发的原工作簿重新填写。")


def _int(text: str | None, default: int) -> int:
    """A row number; a huge one stays huge (it used to fall back to
    `default`, so r="100000000" passed the extent check and calamine then
    tried to allocate 35 GB)."""
    if not (text and text.isascii() and text.isdigit()):
        return default
    return int(text) if len(text) < 19 else 10 ** 18


def _col_index(letters: str) -> int:
    index = 0
    for ch in letters.upper()[:4]:
        index = index * 26 + ord(ch) - 64
    return index - 1


def open_untrusted(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> SafeWorkbook:
    name = safe_name(name)
    check_name(name)
    archive = _open_zip(name, data, limits)
    trees = _xml_parts(name, _inflate(name, archive, limits))
    _check_extent(name, trees, limits)
    _check_sheet_names(name, trees)
    _check_addin_config(name, trees)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {s: book.get_sheet_by_name(s).to_python(skip_empty_area=False)
                  for s in book.sheet_names}
    except python_calamine.CalamineError as exc:
        raise refuse(name, f"无法读取工作表({exc})", "请在Excel中打开并另存为.xlsx后重新发送。") from exc
    except BaseException as exc:
        # a Rust panic inside calamine (e.g. a date-formatted cell holding
        # -1e300) arrives as pyo3's PanicException, a BaseException that
        # python_calamine does not export: match it by name, re-raise the rest
        if type(exc).__name__ != "PanicException":
            raise
        raise refuse(name, "无法读取工作表(单元格数值超出范围)",
                     "请在Excel中打开并另存为.xlsx后重新发送。") from exc
    return SafeWorkbook(name, _custom_props(trees), sheets, _formulas(trees), _modified(trees))
