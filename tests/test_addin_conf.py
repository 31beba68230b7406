"""lyciq.conf as xlwings' VBA reads it: the ANSI code page on Windows (tested
with the code page given explicitly: cp936 is a Chinese Windows, cp1252 a
Western one), ASCII on macOS; values it cannot hold are refused in Chinese;
conda settings from a real conda layout on disk."""
import pytest

from addin_fixtures import miniconda as make_miniconda
from lyciq_xl.addin import conf
from lyciq_xl.addin.conf import ConfFormat
from lyciq_xl.errors import InputError

CHINESE_WINDOWS = ConfFormat("cp936", "\r\n")
WESTERN_WINDOWS = ConfFormat("cp1252", "\r\n")
ZHANG_SAN_PYTHON = "C:\\Users\\张三\\venv\\Scripts\\python.exe"


def test_format_follows_the_platform():
    # "mbcs" is Python's name for the Windows ANSI code page, the one VBA's
    # Open ... For Input decodes with; CRLF as xlwings' own writer on Windows
    assert conf.conf_format("win32") == ConfFormat("mbcs", "\r\n")
    assert conf.conf_format("darwin") == ConfFormat("ascii", "\n")


def test_chinese_user_folder_in_the_chinese_code_page(tmp_path):
    data = conf.conf_bytes({"INTERPRETER_WIN": ZHANG_SAN_PYTHON, "PYTHONPATH": "C:\\lyciq"},
                           CHINESE_WINDOWS)
    # GBK: 张 = D5 C5, 三 = C8 FD
    assert data == (b'"INTERPRETER_WIN","C:\\Users\\\xd5\xc5\xc8\xfd\\venv\\Scripts\\python.exe"\r\n'
                    b'"PYTHONPATH","C:\\lyciq"\r\n')
    path = tmp_path / "lyciq.conf"
    path.write_bytes(data)
    assert conf.read_conf(path, CHINESE_WINDOWS) == {
        "INTERPRETER_WIN": ZHANG_SAN_PYTHON, "PYTHONPATH": "C:\\lyciq"}


def test_path_the_code_page_cannot_hold_is_refused():
    with pytest.raises(InputError) as err:
        conf.conf_bytes({"INTERPRETER_WIN": ZHANG_SAN_PYTHON}, WESTERN_WINDOWS)
    message = str(err.value)
    assert "INTERPRETER_WIN" in message and "中的“张三”" in message and "cp1252" in message
    assert "C:\\lyciq\\venv" in message and "未写入" in message
    with pytest.raises(InputError, match="“文档”.*ascii"):
        conf.conf_bytes({"INTERPRETER_MAC": "/Users/zs/文档/venv/bin/python"},
                        conf.conf_format("darwin"))


def test_quote_or_newline_in_a_value_is_refused():
    # xlwings' format has no escape for either
    for value in ('/Users/a"b/python', "C:\\a\r\nb"):
        with pytest.raises(InputError, match="引号或换行"):
            conf.conf_bytes({"INTERPRETER_MAC": value}, conf.conf_format("darwin"))


def test_file_in_another_encoding_is_refused(tmp_path):
    path = tmp_path / "lyciq.conf"
    path.write_bytes(f'"INTERPRETER_MAC","/Users/张三/python"\n'.encode("utf-8"))
    with pytest.raises(InputError, match="不是 Excel 能读取的编码"):
        conf.read_conf(path, conf.conf_format("darwin"))
    assert conf.read_conf(tmp_path / "none.conf", CHINESE_WINDOWS) == {}


@pytest.fixture
def miniconda(tmp_path):
    return make_miniconda(tmp_path / "miniconda3")


def test_conda_environment_under_envs(miniconda):
    assert conf.conda_settings(miniconda / "envs" / "lyciq", {}) == {
        "CONDA PATH": str(miniconda), "CONDA ENV": "lyciq"}


def test_conda_base_environment(miniconda):
    assert conf.conda_settings(miniconda, {}) == {"CONDA PATH": str(miniconda), "CONDA ENV": "base"}


def test_conda_environment_elsewhere_uses_conda_exe_as_xlwings_does(tmp_path, miniconda):
    prefix = tmp_path / "project" / "env"
    (prefix / "conda-meta").mkdir(parents=True)
    # xlwings: CONDA_EXE without its last two parts (bin/conda or Scripts\conda.exe)
    env = {"CONDA_EXE": str(miniconda / "bin" / "conda")}
    assert conf.conda_settings(prefix, env) == {"CONDA PATH": str(miniconda),
                                                "CONDA ENV": str(prefix)}
    assert conf.conda_settings(prefix, {}) == {}


def test_a_venv_is_not_conda(tmp_path):
    (tmp_path / "venv" / "Scripts").mkdir(parents=True)
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = C:\\Python311\n")
    assert conf.conda_settings(tmp_path / "venv", {}) == {}
