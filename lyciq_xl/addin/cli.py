"""`lyciq-xl build` and `lyciq-xl addin install|uninstall|status`.

Install copies the add-in into the folder Excel opens at start-up and writes
the two settings xlwings' VBA needs to start our Python (interpreter path and
PYTHONPATH) into the add-in's own config file, in xlwings' format. The
add-in's xlwings module has PROJECT_NAME "lyciq", so it reads
`%USERPROFILE%\\.lyciq\\lyciq.conf` (Windows) or
`~/Library/Containers/com.microsoft.Excel/Data/lyciq.conf` (macOS) — the
same layout as xlwings' own xlwings.conf, kept separate so that installing
the add-in never changes which Python other xlwings workbooks use.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from lyciq_xl import resources
from lyciq_xl.addin import build as addin_build

EXIT_OK, EXIT_UNAVAILABLE = 0, 2
ADDIN_NAME = "lyciq.xlam"


@dataclass(frozen=True)
class Places:
    startup: Path        # Excel opens every workbook here at start-up
    config: Path         # xlwings-format settings read by the add-in's VBA
    interpreter_key: str


def places(platform: str, home: Path, env: dict[str, str]) -> Places | None:
    """Where Excel and the add-in look on `platform`; None without Excel."""
    name = addin_build.PROJECT_NAME
    if platform.startswith("win"):
        appdata = Path(env.get("APPDATA", home / "AppData" / "Roaming"))
        profile = Path(env.get("USERPROFILE", home))
        return Places(appdata / "Microsoft" / "Excel" / "XLSTART",
                      profile / f".{name}" / f"{name}.conf", "INTERPRETER_WIN")
    if platform == "darwin":
        return Places(home / "Library" / "Group Containers" / "UBF8T346G9.Office"
                      / "User Content.localized" / "Startup.localized" / "Excel",
                      home / "Library" / "Containers" / "com.microsoft.Excel" / "Data"
                      / f"{name}.conf", "INTERPRETER_MAC")
    return None


def _read_conf(path: Path) -> dict[str, str]:
    """xlwings' config format: one `"KEY","value"` per line."""
    conf: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition(",")
            if sep:
                conf[key.strip().strip('"')] = value.strip().strip('"')
    return conf


def _write_conf(path: Path, conf: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'"{k}","{v}"\n' for k, v in conf.items()), encoding="utf-8")


def settings(p: Places, python: str) -> dict[str, str]:
    """The settings the add-in needs: our interpreter, and the folder that
    holds the lyciq_xl package (harmless when it is pip-installed)."""
    return {p.interpreter_key: python, "PYTHONPATH": str(resources.ROOT)}


def install(p: Places, addin: Path, python: str) -> list[str]:
    p.startup.mkdir(parents=True, exist_ok=True)
    target = p.startup / ADDIN_NAME
    shutil.copyfile(addin, target)
    conf = _read_conf(p.config)
    conf.update(settings(p, python))
    _write_conf(p.config, conf)
    return [f"已安装加载项:{target}",
            f"已写入 Python 设置:{p.config}",
            "请重新启动 Excel,功能区会出现“绩效考核”选项卡。"]


def uninstall(p: Places) -> list[str]:
    lines = []
    for path, what in ((p.startup / ADDIN_NAME, "加载项"), (p.config, "设置文件")):
        if path.exists():
            path.unlink()
            lines.append(f"已删除{what}:{path}")
        else:
            lines.append(f"未找到{what}(无需删除):{path}")
    lines.append("请重新启动 Excel。")
    return lines


def status(p: Places, addin: Path) -> list[str]:
    target = p.startup / ADDIN_NAME
    if not target.exists():
        lines = [f"加载项未安装(应在:{target})。运行 lyciq-xl addin install 安装。"]
    elif addin.exists() and target.read_bytes() == addin.read_bytes():
        lines = [f"加载项已安装,且为最新版本:{target}"]
    else:
        lines = [f"加载项已安装,但不是当前版本:{target}。运行 lyciq-xl addin install 更新。"]
    conf = _read_conf(p.config)
    if conf:
        lines.append(f"Python 设置({p.config}):")
        lines += [f"  {k} = {v}" for k, v in conf.items()]
    else:
        lines.append(f"没有 Python 设置文件:{p.config}")
    return lines


def run_build(args: argparse.Namespace) -> int:
    out = addin_build.build(args.out or addin_build.DEFAULT_OUT)
    print(f"已构建加载项:{out}")
    return EXIT_OK


def run_addin(args: argparse.Namespace, *, platform: str | None = None,
              home: Path | None = None, env: dict[str, str] | None = None) -> int:
    p = places(platform or sys.platform, home or Path.home(),
               dict(os.environ) if env is None else env)
    if p is None:
        print("本机没有 Excel(Linux),无法安装或查看 Excel 加载项。"
              "请在装有 Excel 的 Windows 或 macOS 电脑上运行 lyciq-xl addin "
              f"{args.action};lyciq-xl recalc 等命令行功能在本机可以直接使用。",
              file=sys.stderr)
        return EXIT_UNAVAILABLE
    addin = addin_build.DEFAULT_OUT
    try:
        if args.action == "install":
            # from a source checkout, (re)build first; otherwise use the shipped file
            if addin_build.MACROS.is_dir():
                addin = addin_build.build(addin)
            if not addin.is_file():
                print(f"找不到加载项文件 {addin}。请在本工具的源码目录中以 pip install -e 安装,"
                      f"或先运行 lyciq-xl build。", file=sys.stderr)
                return EXIT_UNAVAILABLE
            lines = install(p, addin, sys.executable)
        elif args.action == "uninstall":
            lines = uninstall(p)
        else:
            lines = status(p, addin)
    except PermissionError as exc:
        print(f"无法写入 {exc.filename}:文件可能正被 Excel 使用。请先关闭 Excel 再运行。",
              file=sys.stderr)
        return EXIT_UNAVAILABLE
    print("\n".join(lines))
    return EXIT_OK
