"""`lyciq-xl build` and `lyciq-xl addin install|uninstall|status`.

Install copies the add-in into the folder Excel opens at start-up and writes
the settings xlwings' VBA needs to start our Python (interpreter path,
PYTHONPATH, and CONDA PATH/CONDA ENV for a conda environment on Windows) into
the add-in's own config file (lyciq_xl.addin.conf: xlwings' format, in the
encoding the VBA reads). Both places are in the profile of the user who runs
the command: it must run as the clerk. The
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
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import xlwings

from lyciq_xl import resources
from lyciq_xl.addin import build as addin_build
from lyciq_xl.addin import conf as addin_conf
from lyciq_xl.errors import InputError
from lyciq_xl.xlsxio.safefile import write_atomically

EXIT_OK, EXIT_UNAVAILABLE = 0, 2
ADDIN_NAME = "lyciq.xlam"
# What a button's RunPython needs of the interpreter: our package and xlwings.
INTERPRETER_PROBE = "import lyciq_xl.xl, xlwings; print(xlwings.__version__)"


@dataclass(frozen=True)
class Places:
    startup: Path        # Excel opens every workbook here at start-up
    config: Path         # xlwings-format settings read by the add-in's VBA
    interpreter_key: str
    fmt: addin_conf.ConfFormat
    user: str            # whose profile both live in
    windows: bool


def places(platform: str, home: Path, env: dict[str, str],
           fmt: addin_conf.ConfFormat | None = None) -> Places | None:
    """Where Excel and the add-in look on `platform`; None without Excel.
    Both places are in the profile of the user running the command."""
    name = addin_build.PROJECT_NAME
    fmt = fmt or addin_conf.conf_format(platform)
    if platform.startswith("win"):
        appdata = Path(env.get("APPDATA", home / "AppData" / "Roaming"))
        profile = Path(env.get("USERPROFILE", home))
        return Places(appdata / "Microsoft" / "Excel" / "XLSTART",
                      profile / f".{name}" / f"{name}.conf", "INTERPRETER_WIN", fmt,
                      env.get("USERNAME") or profile.name, True)
    if platform == "darwin":
        return Places(home / "Library" / "Group Containers" / "UBF8T346G9.Office"
                      / "User Content.localized" / "Startup.localized" / "Excel",
                      home / "Library" / "Containers" / "com.microsoft.Excel" / "Data"
                      / f"{name}.conf", "INTERPRETER_MAC", fmt,
                      env.get("USER") or home.name, False)
    return None


def settings(p: Places, python: str, prefix: Path, env: dict[str, str]) -> dict[str, str]:
    """The settings the add-in needs: our interpreter, the folder that holds
    the lyciq_xl package (harmless when it is pip-installed) and, for a conda
    environment on Windows, xlwings' CONDA PATH/CONDA ENV (as `xlwings addin
    install` writes them: only on Windows, where the VBA activates it)."""
    wanted = {p.interpreter_key: python, "PYTHONPATH": str(resources.ROOT)}
    if p.windows:
        wanted.update(addin_conf.conda_settings(prefix, env))
    return wanted


def install(p: Places, addin: Path, python: str, prefix: Path | None = None,
            env: dict[str, str] | None = None) -> list[str]:
    prefix = Path(sys.prefix) if prefix is None else prefix
    conf = addin_conf.read_conf(p.config, p.fmt)
    for key in (addin_conf.CONDA_PATH, addin_conf.CONDA_ENV):   # ours: rewritten below
        conf.pop(key, None)
    wanted = settings(p, python, prefix, {} if env is None else env)
    conf.update(wanted)
    data = addin_conf.conf_bytes(conf, p.fmt)   # refuses before anything is written
    p.startup.mkdir(parents=True, exist_ok=True)
    target = p.startup / ADDIN_NAME
    shutil.copyfile(addin, target)
    write_atomically(p.config, data)
    lines = [f"已安装加载项:{target}",
             f"已写入 Python 设置:{p.config}",
             f"这两个位置都属于用户“{p.user}”,加载项只对这个用户有效。请用使用 Excel 的"
             "工作人员本人的账户运行本命令(信息技术人员代装时,请在该工作人员登录后运行)。"]
    if addin_conf.CONDA_ENV in wanted:
        lines.append(f"Python 是 conda 环境“{wanted[addin_conf.CONDA_ENV]}”"
                     f"(conda 位于 {wanted[addin_conf.CONDA_PATH]}),已写入 CONDA PATH、CONDA ENV。")
    elif p.windows and (prefix / "conda-meta").is_dir():
        lines.append(f"Python 是 conda 环境({prefix}),但找不到 conda 的安装目录(含 condabin 的"
                     "文件夹):按钮可能无法加载 pywin32。请在已激活该环境的 Anaconda Prompt 中"
                     "重新运行本命令。")
    lines.append("请重新启动 Excel,功能区会出现“绩效考核”选项卡。")
    return lines


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


def interpreter_status(p: Places, conf: dict[str, str]) -> str:
    """Whether the interpreter the buttons will start can run the tool:
    it is started here as the VBA would, with the settings' PYTHONPATH."""
    python = conf.get(p.interpreter_key, "")
    if not python:
        return (f"设置中没有 {p.interpreter_key}:按钮会改用系统中名为 python 的程序,通常无法运行"
                "本工具。请用本人账户运行 lyciq-xl addin install。")
    if not Path(python).is_file():
        return (f"找不到 Python 解释器:{python}({p.interpreter_key}),按钮将无法运行。"
                "请确认 Python 虚拟环境仍在原处,然后重新运行 lyciq-xl addin install。")
    env = {**os.environ, "PYTHONPATH": conf.get("PYTHONPATH", "")}
    try:
        result = subprocess.run([python, "-c", INTERPRETER_PROBE], capture_output=True,
                                text=True, errors="replace", timeout=120, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"Python 解释器 {python} 无法启动({exc}),按钮将无法运行。请重新运行 lyciq-xl addin install。"
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["没有错误信息"])[-1]
        return (f"Python 解释器 {python} 无法运行本工具({last})。请用这个 Python 安装本工具"
                "(pip install -e <源码目录>),或用装有本工具的 Python 重新运行 lyciq-xl addin install。")
    version = result.stdout.strip()
    if version != xlwings.__version__:
        return (f"Python 解释器 {python} 中的 xlwings 是 {version},加载项中的 VBA 属于 "
                f"{xlwings.__version__}:请在同一个 Python 中安装 xlwings=={xlwings.__version__}"
                "后重新运行 lyciq-xl addin install。")
    return f"Python 解释器可用:{python}(xlwings {version})"


def status(p: Places, addin: Path) -> list[str]:
    target = p.startup / ADDIN_NAME
    if not target.exists():
        lines = [f"加载项未安装(应在:{target})。运行 lyciq-xl addin install 安装。"]
    elif addin.exists() and target.read_bytes() == addin.read_bytes():
        lines = [f"加载项已安装,且为最新版本:{target}"]
    else:
        lines = [f"加载项已安装,但不是当前版本:{target}。运行 lyciq-xl addin install 更新。"]
    conf = addin_conf.read_conf(p.config, p.fmt)
    if conf:
        lines.append(f"Python 设置(用户“{p.user}”,{p.config}):")
        lines += [f"  {k} = {v}" for k, v in conf.items()]
    else:
        lines.append(f"用户“{p.user}”没有 Python 设置文件:{p.config}")
    lines.append(interpreter_status(p, conf))
    return lines


def run_build(args: argparse.Namespace) -> int:
    out = addin_build.build(args.out or addin_build.DEFAULT_OUT)
    print(f"已构建加载项:{out}")
    return EXIT_OK


def run_addin(args: argparse.Namespace, *, platform: str | None = None,
              home: Path | None = None, env: dict[str, str] | None = None,
              fmt: addin_conf.ConfFormat | None = None) -> int:
    """`fmt` replaces the platform's conf format (tests of the Windows layout
    run where the "mbcs" codec does not exist)."""
    env = dict(os.environ) if env is None else env
    p = places(platform or sys.platform, home or Path.home(), env, fmt)
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
            lines = install(p, addin, sys.executable, Path(sys.prefix), env)
        elif args.action == "uninstall":
            lines = uninstall(p)
        else:
            lines = status(p, addin)
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNAVAILABLE
    except PermissionError as exc:
        print(f"无法写入 {exc.filename}:文件可能正被 Excel 使用。请先关闭 Excel 再运行。",
              file=sys.stderr)
        return EXIT_UNAVAILABLE
    print("\n".join(lines))
    return EXIT_OK
