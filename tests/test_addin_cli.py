"""`lyciq-xl addin install|uninstall|status` into a temporary home, for the
Windows and macOS layouts; Linux refuses with exit code 2."""
import argparse
import sys
from pathlib import Path

import pytest

from lyciq_xl import resources
from lyciq_xl.addin import build
from lyciq_xl.addin.cli import run_addin
from lyciq_xl.cli import main


def args(action):
    return argparse.Namespace(action=action)


def test_linux_says_excel_is_not_available(capsys):
    if sys.platform == "linux":
        assert main(["addin", "install"]) == 2
    assert run_addin(args("status"), platform="linux", home=Path("/nonexistent"), env={}) == 2
    err = capsys.readouterr().err
    assert "没有 Excel" in err and "Windows 或 macOS" in err


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_install_status_uninstall(tmp_path, capsys, platform):
    env = {"APPDATA": str(tmp_path / "AppData" / "Roaming"), "USERPROFILE": str(tmp_path)}
    if platform == "win32":
        startup = tmp_path / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
        conf = tmp_path / ".lyciq" / "lyciq.conf"
        key = "INTERPRETER_WIN"
    else:
        startup = (tmp_path / "Library" / "Group Containers" / "UBF8T346G9.Office"
                   / "User Content.localized" / "Startup.localized" / "Excel")
        conf = tmp_path / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "lyciq.conf"
        key = "INTERPRETER_MAC"
    kw = dict(platform=platform, home=tmp_path, env=env)

    assert run_addin(args("status"), **kw) == 0
    assert "未安装" in capsys.readouterr().out

    conf.parent.mkdir(parents=True)
    conf.write_text('"LICENSE_KEY","keep-me"\n', encoding="utf-8")   # a setting of IT's
    assert run_addin(args("install"), **kw) == 0
    assert (startup / "lyciq.xlam").read_bytes() == build.DEFAULT_OUT.read_bytes()
    lines = conf.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '"LICENSE_KEY","keep-me"'
    assert lines[1] == f'"{key}","{sys.executable}"'
    assert lines[2] == f'"PYTHONPATH","{resources.ROOT}"'
    assert "重新启动 Excel" in capsys.readouterr().out

    assert run_addin(args("status"), **kw) == 0
    out = capsys.readouterr().out
    assert "已安装,且为最新版本" in out and f"PYTHONPATH = {resources.ROOT}" in out

    (startup / "lyciq.xlam").write_bytes(b"old")
    run_addin(args("status"), **kw)
    assert "不是当前版本" in capsys.readouterr().out

    assert run_addin(args("uninstall"), **kw) == 0
    assert not (startup / "lyciq.xlam").exists() and not conf.exists()


def test_build_command_writes_the_same_bytes(tmp_path, capsys):
    out = tmp_path / "sub" / "lyciq.xlam"
    assert main(["build", "--out", str(out)]) == 0
    assert out.read_bytes() == build.DEFAULT_OUT.read_bytes()
    assert f"已构建加载项:{out}" in capsys.readouterr().out
