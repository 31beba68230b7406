"""Build vbaProject.bin ([MS-OVBA]) from VBA source text, reproducibly.

A source-only project: `_VBA_PROJECT` has version 0xFFFF and no p-code, so
Excel compiles the modules from source when it opens the add-in — exactly
what xlwings' own shipped add-ins contain. Everything that Excel would fill
with random bytes (project ID, CMG/DPB/GC seeds) is fixed here.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from lyciq_xl.addin.cfb import write_cfb
from lyciq_xl.addin.ovba import compress

CODE_PAGE = 1252
LCID = 0x0409
PROJECT_ID = "{5C1A1E0A-2014-4C1E-9A11-4C59C1D0A0A1}"   # fixed: reproducible builds
SEED = 0x2A                                              # fixed CMG/DPB/GC seed
# Microsoft Office Object Library: IRibbonControl lives here. VBA resolves a
# registered reference by GUID and version; the path is only a hint.
OFFICE_LIBID = ("*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
                "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL"
                "#Microsoft Office 16.0 Object Library")

PROCEDURAL, CLASS, DOCUMENT = "procedural", "class", "document"
VB_BASE = {"ThisWorkbook": "0{00020819-0000-0000-C000-000000000046}",
            "Sheet": "0{00020820-0000-0000-C000-000000000046}"}


@dataclass(frozen=True)
class Module:
    name: str
    kind: str          # PROCEDURAL, CLASS or DOCUMENT
    code: str          # as stored in the module stream: Attribute lines + code, CRLF


def _crlf(text: str) -> str:
    return "".join(line + "\r\n" for line in text.splitlines())


def _check_ascii(name: str, text: str) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.isascii():
            raise ValueError(f"VBA module {name} line {number} is not ASCII "
                             f"(the project code page is {CODE_PAGE}): {line!r}")


# The attributes Excel stores for a class module, in its order, with the
# values of a new class module (xlwings' own shipped add-in carries exactly
# these). Exported .cls files lack VB_Base, VB_TemplateDerived and
# VB_Customizable; without VB_Base, Excel for Mac fails to compile a class
# where it is first created with New (inside the xlwings module).
CLASS_ATTRIBUTES = {"VB_Base": f'"0{{FCFB3D2A-A0FA-1068-A738-08002B3371B5}}"',
                    "VB_GlobalNameSpace": "False", "VB_Creatable": "False",
                    "VB_PredeclaredId": "False", "VB_Exposed": "False",
                    "VB_TemplateDerived": "False", "VB_Customizable": "False"}
# ... and for a document module (ThisWorkbook, a worksheet); VB_Base per host object
DOCUMENT_ATTRIBUTES = {**CLASS_ATTRIBUTES, "VB_PredeclaredId": "True",
                       "VB_Exposed": "True", "VB_Customizable": "True"}
_HEADER_ATTRIBUTE = re.compile(r"Attribute (VB_\w+) = (.*)\r\n")


def _with_attributes(text: str, defaults: dict[str, str]) -> str:
    """`text` (starting with its VB_Name line) with its leading Attribute
    lines rewritten as Excel stores them: VB_Name, then every attribute of
    `defaults` in that order (the source's own value where it has one), then
    the source's other attributes (VB_Description, ...) as they were."""
    pos, given = 0, {}
    while match := _HEADER_ATTRIBUTE.match(text, pos):
        given[match.group(1)] = match.group(2)
        pos = match.end()
    name = given.pop("VB_Name")
    lines = [f"Attribute VB_Name = {name}"]
    lines += [f"Attribute {key} = {given.pop(key, value)}" for key, value in defaults.items()]
    lines += [f"Attribute {key} = {value}" for key, value in given.items()]
    return "".join(line + "\r\n" for line in lines) + text[pos:]


def module_from_source(text: str, kind: str) -> Module:
    """A module from an exported .bas/.cls file. The VERSION/BEGIN..END header
    of class files is not part of the stored source; Attribute lines are,
    completed for a class as Excel writes them."""
    text = _crlf(text.lstrip("\ufeff"))
    if kind != PROCEDURAL:
        text = re.sub(r"\AVERSION 1\.0 CLASS\r\nBEGIN\r\n(?:.*\r\n)*?END\r\n", "", text)
    match = re.match(r'Attribute VB_Name = "(\w+)"', text)
    if not match:
        raise ValueError("VBA source does not start with Attribute VB_Name")
    if kind == CLASS:
        text = _with_attributes(text, CLASS_ATTRIBUTES)
    _check_ascii(match.group(1), text)
    return Module(match.group(1), kind, text)


def document_module(name: str, base: str, body: str = "") -> Module:
    """A document module (ThisWorkbook, a worksheet) with Excel's attributes."""
    code = _with_attributes(f'Attribute VB_Name = "{name}"\r\n'
                            f'Attribute VB_Base = "{base}"\r\n' + _crlf(body),
                            DOCUMENT_ATTRIBUTES)
    _check_ascii(name, code)
    return Module(name, DOCUMENT, code)


# --- dir stream ([MS-OVBA] 2.3.4.2) -------------------------------------------

def _rec(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _mbcs(text: str) -> bytes:
    return text.encode("cp1252")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _dir_stream(project_name: str, modules: list[Module]) -> bytes:
    out = bytearray()
    out += _rec(0x0001, struct.pack("<I", 1))              # SYSKIND: Win32
    out += _rec(0x0002, struct.pack("<I", LCID))            # LCID
    out += _rec(0x0014, struct.pack("<I", LCID))            # LCIDINVOKE
    out += _rec(0x0003, struct.pack("<H", CODE_PAGE))       # CODEPAGE
    out += _rec(0x0004, _mbcs(project_name))                # NAME
    out += _rec(0x0005, b"") + _rec(0x0040, b"")            # DOCSTRING
    out += _rec(0x0006, b"") + _rec(0x003D, b"")            # HELPFILEPATH
    out += _rec(0x0007, struct.pack("<I", 0))               # HELPCONTEXT
    out += _rec(0x0008, struct.pack("<I", 0))               # LIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)            # VERSION 1.0
    out += _rec(0x000C, b"") + _rec(0x003C, b"")            # CONSTANTS
    # REFERENCES: the Office library, registered
    out += _rec(0x0016, b"Office") + _rec(0x003E, _utf16("Office"))
    libid = _mbcs(OFFICE_LIBID)
    out += _rec(0x000D, struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0))
    # MODULES
    out += _rec(0x000F, struct.pack("<H", len(modules)))
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))          # PROJECTCOOKIE
    for m in modules:
        out += _rec(0x0019, _mbcs(m.name)) + _rec(0x0047, _utf16(m.name))
        out += _rec(0x001A, _mbcs(m.name)) + _rec(0x0032, _utf16(m.name))
        out += _rec(0x001C, b"") + _rec(0x0048, b"")        # DOCSTRING
        out += _rec(0x0031, struct.pack("<I", 0))           # OFFSET: source at 0
        out += _rec(0x001E, struct.pack("<I", 0))           # HELPCONTEXT
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))      # COOKIE
        out += _rec(0x0021 if m.kind == PROCEDURAL else 0x0022, b"")
        out += _rec(0x002B, b"")                            # module terminator
    out += _rec(0x0010, b"")                                # dir terminator
    return bytes(out)


# --- PROJECT stream ([MS-OVBA] 2.3.1) and its obfuscated fields (2.4.3) ----------

def encrypt(data: bytes, seed: int = SEED, project_id: str = PROJECT_ID) -> str:
    """[MS-OVBA] 2.4.3.2 Data Encryption, with a fixed seed and zero filler
    bytes so that the result is reproducible. Returns the hex text."""
    version = 2
    proj_key = sum(_mbcs(project_id)) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unencrypted1, encrypted1, encrypted2 = proj_key, seed ^ proj_key, seed ^ version
    payload = bytes((seed & 6) // 2) + struct.pack("<I", len(data)) + data
    for byte in payload:
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    return out.hex().upper()


def decrypt(text: str) -> tuple[int, bytes]:
    """Inverse of `encrypt` (2.4.3.3): (project key, data)."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise ValueError("not [MS-OVBA] encrypted data (version is not 2)")
    proj_key = seed ^ key_enc
    unencrypted1, encrypted1, encrypted2 = proj_key, key_enc, version_enc
    plain = bytearray()
    for enc in raw[3:]:
        byte = enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    ignored = (seed & 6) // 2
    length, = struct.unpack_from("<I", plain, ignored)
    return proj_key, bytes(plain[ignored + 4:ignored + 4 + length])


def _project_stream(project_name: str, modules: list[Module]) -> bytes:
    lines = [f'ID="{PROJECT_ID}"']
    for m in modules:
        if m.kind == DOCUMENT:
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == CLASS:
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    lines += [f'Name="{project_name}"', 'HelpContextID="0"',
              'VersionCompatible32="393222000"',
              f'CMG="{encrypt(bytes(4))}"',       # protection state: none
              f'DPB="{encrypt(bytes(1))}"',       # password: none
              f'GC="{encrypt(bytes([0xFF]))}"',   # visibility: visible
              "", "[Host Extender Info]",
              "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
              "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return _mbcs("\r\n".join(lines) + "\r\n")


def _projectwm_stream(modules: list[Module]) -> bytes:
    return b"".join(_mbcs(m.name) + b"\0" + _utf16(m.name) + b"\0\0"
                    for m in modules) + b"\0\0"


def build_vba_project(modules: list[Module], project_name: str = "VBAProject") -> bytes:
    """vbaProject.bin bytes for `modules` (order kept as given)."""
    names = [m.name for m in modules]
    if len(set(n.upper() for n in names)) != len(names):
        raise ValueError(f"duplicate VBA module names: {names}")
    streams = {
        "PROJECT": _project_stream(project_name, modules),
        "PROJECTwm": _projectwm_stream(modules),
        # Reserved1 0x61CC, Version 0xFFFF (no p-code), Reserved2/3 zero
        "VBA/_VBA_PROJECT": struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 0),
        "VBA/dir": compress(_dir_stream(project_name, modules)),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(_mbcs(m.code))
    return write_cfb(streams)
