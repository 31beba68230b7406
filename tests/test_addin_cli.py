"""`lyciq-xl addin install|uninstall|status` into a temporary home, for the
Windows and macOS layouts; Linux refuses with exit code 2. The Windows
layout is written in cp936 (a Chinese Windows' ANSI code page: "mbcs"
does not exist here)."""
import argparse
import sys
from pathlib import Path

import pytest
import xlwings

from addin_fixtures import miniconda
from lyciq_xl import resources
from lyciq_xl.addin import build
from lyciq_xl.addin.cli import install, places, run_addin
from lyciq_xl.addin.conf import ConfFormat
from lyciq_xl.cli import main
from lyciq_xl.errors import InputError

CHINESE_WINDOWS = ConfFormat("cp936", "\r\n")


def args(action):
    return argparse.Namespace(action=action)


def layout(tmp_path, platform):
    """(run_addin keywords, startup folder, conf file, interpreter key, encoding)"""
    env = {"APPDATA": str(tmp_path / "AppData" / "Roaming"), "USERPROFILE": str(tmp_path),
           "USERNAME": "zhangsan", "USER": "zhangsan"}
    if platform == "win32":
        return (dict(platform=platform, home=tmp_path, env=env, fmt=CHINESE_WINDOWS),
                tmp_path / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART",
                tmp_path / ".lyciq" / "lyciq.conf", "INTERPRETER_WIN", "cp936")
    return (dict(platform=platform, home=tmp_path, env=env),
            tmp_path / "Library" / "Group Containers" / "UBF8T346G9.Office"
            / "User Content.localized" / "Startup.localized" / "Excel",
            tmp_path / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "lyciq.conf",
            "INTERPRETER_MAC", "ascii")


def test_linux_says_excel_is_not_available(capsys):
    if sys.platform == "linux":
        assert main(["addin", "install"]) == 2
    assert run_addin(args("status"), platform="linux", home=Path("/nonexistent"), env={}) == 2
    err = capsys.readouterr().err
    assert "没有 Excel" in err and "Windows 或 macOS" in err


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_install_status_uninstall(tmp_path, capsys, platform):
    kw, startup, conf, key, encoding = layout(tmp_path, platform)

    assert run_addin(args("status"), **kw) == 0
    out = capsys.readouterr().out
    assert "未安装" in out and "用户“zhangsan”没有 Python 设置文件" in out
    assert f"设置中没有 {key}" in out

    conf.parent.mkdir(parents=True)
    conf.write_bytes(b'"LICENSE_KEY","keep-me"\n')                 # a setting of IT's
    assert run_addin(args("install"), **kw) == 0
    assert (startup / "lyciq.xlam").read_bytes() == build.DEFAULT_OUT.read_bytes()
    lines = conf.read_bytes().decode(encoding).splitlines()
    assert lines[0] == '"LICENSE_KEY","keep-me"'
    assert lines[1] == f'"{key}","{sys.executable}"'
    assert lines[2] == f'"PYTHONPATH","{resources.ROOT}"'
    assert conf.read_bytes().count(b"\r\n") == (3 if platform == "win32" else 0)
    out = capsys.readouterr().out
    assert "都属于用户“zhangsan”" in out and "本人的账户" in out and "重新启动 Excel" in out

    assert run_addin(args("status"), **kw) == 0
    out = capsys.readouterr().out
    assert "已安装,且为最新版本" in out and f"PYTHONPATH = {resources.ROOT}" in out
    # the interpreter was started and imported lyciq_xl.xl and xlwings
    assert f"Python 解释器可用:{sys.executable}(xlwings {xlwings.__version__})" in out

    (startup / "lyciq.xlam").write_bytes(b"old")
    run_addin(args("status"), **kw)
    assert "不是当前版本" in capsys.readouterr().out

    assert run_addin(args("uninstall"), **kw) == 0
    assert not (startup / "lyciq.xlam").exists() and not conf.exists()


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_status_reports_a_missing_interpreter(tmp_path, capsys, platform):
    kw, _, conf, key, encoding = layout(tmp_path, platform)
    missing = tmp_path / "old-venv" / "bin" / "python"          # deleted since the install
    conf.parent.mkdir(parents=True)
    conf.write_bytes(f'"{key}","{missing}"\n'.encode(encoding))
    assert run_addin(args("status"), **kw) == 0
    assert f"找不到 Python 解释器:{missing}({key}),按钮将无法运行" in capsys.readouterr().out


@pytest.mark.skipif(not Path("/usr/bin/python3").is_file(), reason="no system Python")
def test_status_reports_an_interpreter_without_the_tool(tmp_path, capsys):
    # the system Python has neither xlwings nor the tool's dependencies
    kw, _, conf, key, encoding = layout(tmp_path, "darwin")
    conf.parent.mkdir(parents=True)
    conf.write_bytes(f'"{key}","/usr/bin/python3"\n"PYTHONPATH","{resources.ROOT}"\n'.encode())
    assert run_addin(args("status"), **kw) == 0
    out = capsys.readouterr().out
    assert "Python 解释器 /usr/bin/python3 无法运行本工具(ModuleNotFoundError: No module named" in out


def test_status_refuses_a_conf_it_cannot_read(tmp_path, capsys):
    kw, _, conf, key, _ = layout(tmp_path, "darwin")
    conf.parent.mkdir(parents=True)
    conf.write_bytes(f'"{key}","/Users/张三/python"\n'.encode("utf-8"))
    assert run_addin(args("status"), **kw) == 2
    assert "不是 Excel 能读取的编码(ascii)" in capsys.readouterr().err


def test_install_refuses_a_path_excel_cannot_read_and_writes_nothing(tmp_path):
    kw, startup, conf, _, _ = layout(tmp_path, "win32")
    p = places("win32", tmp_path, kw["env"], ConfFormat("cp1252", "\r\n"))   # a Western Windows
    with pytest.raises(InputError, match="“张三”无法写入 lyciq.conf"):
        install(p, build.DEFAULT_OUT, "C:\\Users\\张三\\venv\\Scripts\\python.exe",
                tmp_path / "venv", {})
    assert not startup.exists() and not conf.exists()


def test_install_writes_conda_settings_on_windows(tmp_path, capsys):
    kw, _, conf, _, _ = layout(tmp_path, "win32")
    p = places("win32", tmp_path, kw["env"], CHINESE_WINDOWS)
    env_prefix = miniconda(tmp_path / "miniconda3") / "envs" / "lyciq"
    python = str(env_prefix / "python.exe")
    lines = install(p, build.DEFAULT_OUT, python, env_prefix, {})
    assert conf.read_bytes().decode("cp936").splitlines() == [
        f'"INTERPRETER_WIN","{python}"', f'"PYTHONPATH","{resources.ROOT}"',
        f'"CONDA PATH","{tmp_path / "miniconda3"}"', '"CONDA ENV","lyciq"']
    assert any("conda 环境“lyciq”" in line for line in lines)
    # reinstalled from a plain venv: the conda settings go
    install(p, build.DEFAULT_OUT, python, tmp_path / "venv", {})
    assert b"CONDA" not in conf.read_bytes()


def test_no_conda_settings_on_macos(tmp_path):
    # xlwings' VBA uses them only on Windows, and `xlwings addin install`
    # writes them only there
    kw, _, conf, _, _ = layout(tmp_path, "darwin")
    p = places("darwin", tmp_path, kw["env"])
    env_prefix = miniconda(tmp_path / "miniconda3") / "envs" / "lyciq"
    install(p, build.DEFAULT_OUT, str(env_prefix / "bin" / "python"), env_prefix, {})
    assert b"CONDA" not in conf.read_bytes()


def test_build_command_writes_the_same_bytes(tmp_path, capsys):
    out = tmp_path / "sub" / "lyciq.xlam"
    assert main(["build", "--out", str(out)]) == 0
    assert out.read_bytes() == build.DEFAULT_OUT.read_bytes()
    assert f"已构建加载项:{out}" in capsys.readouterr().out
