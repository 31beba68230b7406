"""`lyciq-xl archive`: one 个人考核档案 per person; a file holds one person
only (every part of every file decompressed and searched for every other
person's name and 人员编号); PDFs from one LibreOffice run carry the
person's name and scores with embedded fonts."""
from __future__ import annotations

import subprocess
import zipfile

import pytest

from cli_fixtures import assert_clean_exit2, lyciq
from lyciq_xl import sample_staff

PEOPLE = [(row[0], row[1]) for row in sample_staff.staff_rows()]     # (人员编号, 姓名)


def parts(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [z.read(name).decode("utf-8", "replace") for name in z.namelist()]


@pytest.fixture(scope="module")
def archive(sample_master, tmp_path_factory):
    out = tmp_path_factory.mktemp("档案")
    result = lyciq("archive", sample_master, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def test_one_file_per_person(archive):
    files = sorted(archive.glob("*.xlsx"))
    assert len(files) == len(PEOPLE) == 50
    assert (archive / "2014_办公室_BGS01_董明辉_个人考核档案.xlsx") in files


def test_a_file_holds_one_person_only(archive):
    for pid, name in PEOPLE:
        [path] = archive.glob(f"*_{pid}_*.xlsx")
        text = "\n".join(parts(path))
        assert name in text and pid in text
        leaked = [(p, n) for p, n in PEOPLE if p != pid and (p in text or n in text)]
        assert not leaked, (path.name, leaked)


def test_the_tie_is_explained_without_the_other_name(archive):
    # 陶文静 ties with 韦国栋 (P08); her file says so in numbers only
    [path] = archive.glob("*_QFK01_*.xlsx")
    text = "\n".join(parts(path))
    assert "与另外 1 人同分并列第 1,跨越名额 1 的界线" in text and "韦国栋" not in text


def test_pdf_for_one_section_in_one_run(sample_master, tmp_path):
    out = tmp_path / "检疫科"
    result = lyciq("archive", sample_master, "--out", out, "--pdf", "--dept", "检疫科")
    assert result.returncode == 0, result.stderr
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == len(list(out.glob("*.xlsx"))) == 8
    [trouble] = [p for p in pdfs if "JYK08" in p.name]
    text = subprocess.run(["pdftotext", "-layout", trouble, "-"], capture_output=True,
                          text=True, check=True).stdout
    # 鲁振东: March–May 75 each, the year (9 × 100 + 3 × 75) / 12 = 93.75, 不称职
    assert "个人考核档案" in text and "鲁振东" in text and "JYK08" in text
    assert "75.00" in text and "93.75" in text and "不称职" in text and "检验差错被辽宁局通报" in text
    assert "本人(签字)" in text and "分管局长(签字)" in text and "第1页共2页" in text
    fonts = subprocess.run(["pdffonts", trouble], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("yes" == r[-5] for r in rows)          # emb column
    size = subprocess.run(["pdfinfo", trouble], capture_output=True, text=True, check=True).stdout
    assert "595.3" in size and "841.89" in size                 # A4 portrait


def test_one_person_by_name(sample_master, tmp_path):
    result = lyciq("archive", sample_master, "--out", tmp_path, "--person", "鲁振东")
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.glob("*.xlsx")] == ["2014_检疫科_JYK08_鲁振东_个人考核档案.xlsx"]


def test_unknown_person_writes_nothing(sample_master, tmp_path):
    out = tmp_path / "无"
    result = lyciq("archive", sample_master, "--out", out, "--person", "查无此人")
    assert_clean_exit2(result, "查无此人")
    assert not out.exists()
