"""lyciq.conf: the add-in's settings file, in xlwings' format (one
`"KEY","value"` a line), written in the encoding xlwings' VBA reads it with.

The VBA reads the file with `Open ... For Input` / `Input #`, which decode
bytes in the system's ANSI code page on Windows (Python's "mbcs" codec:
cp936 on a Chinese Windows, cp1252 on a Western one). A UTF-8 file would
turn `C:\\Users\\张三\\...` into mojibake and "Could not find Interpreter!".
What Excel for Mac decodes with cannot be checked here, so on macOS only
ASCII is written. A value the codec cannot encode is refused.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lyciq_xl.errors import InputError

# The keys `lyciq-xl addin install` owns; any other line of the file is kept.
CONDA_PATH, CONDA_ENV = "CONDA PATH", "CONDA ENV"


@dataclass(frozen=True)
class ConfFormat:
    encoding: str       # the codec xlwings' VBA decodes the file with
    newline: str        # what xlwings' own `xlwings config create` writes


def conf_format(platform: str) -> ConfFormat:
    if platform.startswith("win"):
        return ConfFormat("mbcs", "\r\n")
    return ConfFormat("ascii", "\n")


def parse_conf(text: str) -> dict[str, str]:
    conf: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(",")
        if sep:
            conf[key.strip().strip('"')] = value.strip().strip('"')
    return conf


def read_conf(path: Path, fmt: ConfFormat) -> dict[str, str]:
    """The settings in `path` ({} when there is none)."""
    if not path.is_file():
        return {}
    encoding = fmt.encoding
    try:
        return parse_conf(path.read_bytes().decode(encoding))
    except UnicodeDecodeError as exc:
        raise InputError(
            f"设置文件 {path} 不是 Excel 能读取的编码({encoding}),第 {exc.start + 1} 个字节起"
            f"无法识别。请删除该文件后重新运行 lyciq-xl addin install。") from None


def conf_bytes(conf: dict[str, str], fmt: ConfFormat) -> bytes:
    """The file's bytes; InputError (in Chinese) if a value has a character
    the VBA could not read back in `fmt.encoding`."""
    encoding = fmt.encoding
    for key, value in conf.items():
        if '"' in value or "\n" in value or "\r" in value:
            raise InputError(f"设置 {key} 的值“{value}”含有引号或换行,无法写入 lyciq.conf。"
                             "请换一个不含这些字符的路径。本次未写入任何内容。")
        try:
            value.encode(encoding)
        except UnicodeEncodeError as exc:
            bad = value[exc.start:exc.end]
            raise InputError(
                f"设置 {key} 的值“{value}”中的“{bad}”无法写入 lyciq.conf:Excel 按本机的字符集"
                f"({encoding})读取这个文件,读出来会是乱码,按钮将找不到 Python。"
                "请把 Python 虚拟环境和本工具放在只含英文字母、数字的路径下"
                "(例如 C:\\lyciq\\venv),再运行 lyciq-xl addin install。本次未写入任何内容。"
            ) from None
    return "".join(f'"{k}","{v}"{fmt.newline}' for k, v in conf.items()).encode(encoding)



def conda_settings(prefix: Path, env: dict[str, str]) -> dict[str, str]:
    """xlwings' CONDA PATH / CONDA ENV for the environment at `prefix`, or {}
    when it is not a conda environment (no conda-meta/ folder).

    `xlwings addin install` takes them from the activated prompt
    (CONDA_EXE without its last two parts, CONDA_DEFAULT_ENV); the VBA then
    runs `<CONDA PATH>\\condabin\\conda activate <CONDA ENV> && python ...`, so
    that the environment's DLLs (pywin32) load. Here they come from the
    layout on disk, so that the install need not run in an activated prompt:
    the conda installation is the folder holding condabin/, either the
    environment itself (base) or the one holding it in envs/.
    """
    if not (prefix / "conda-meta").is_dir():
        return {}
    if (prefix / "condabin").is_dir():
        return {CONDA_PATH: str(prefix), CONDA_ENV: "base"}
    if prefix.parent.name == "envs" and (prefix.parent.parent / "condabin").is_dir():
        return {CONDA_PATH: str(prefix.parent.parent), CONDA_ENV: prefix.name}
    conda_exe = env.get("CONDA_EXE")
    if conda_exe:   # an environment outside envs/ (conda create --prefix)
        return {CONDA_PATH: os.path.sep.join(conda_exe.split(os.path.sep)[:-2]),
                CONDA_ENV: str(prefix)}
    return {}
