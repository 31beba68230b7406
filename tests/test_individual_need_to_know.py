"""Need to know for the individual part (SPEC 8): a section's distributed
workbook carries its own staff and only theirs. Every part of every section
workbook and .eml of the sample is decompressed and searched for every other
section's 姓名 and 人员编号 (and the section's own must be there)."""
from __future__ import annotations

import email
import email.policy
import io
import zipfile

import pytest
import python_calamine

from cli_fixtures import lyciq
from lyciq_xl import sample_staff
from lyciq_xl.contract import DEFAULT_SECTIONS, PersonalBook

NAMES = {code: name for code, name, _ in DEFAULT_SECTIONS}
# 科室名称 -> [(人员编号, 姓名)] of the sample's 50 people
PEOPLE: dict[str, list[tuple[str, str]]] = {}
for row in sample_staff.staff_rows():
    PEOPLE.setdefault(row[2], []).append((row[0], row[1]))


def zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def check_only_own(section: str, blob: str, where: str) -> None:
    own = PEOPLE[section]
    assert all(pid in blob and name in blob for pid, name in own), (where, own)
    leaked = [who for other, people in PEOPLE.items() if other != section
              for who in people if who[0] in blob or who[1] in blob]
    assert not leaked, (where, leaked)


@pytest.fixture(scope="module")
def distributed(sample_master, tmp_path_factory):
    """The sample distributed for the whole year: every month's rows and 个人年度评定."""
    folder = tmp_path_factory.mktemp("ntk")
    master = folder / sample_master.name             # distribute adds 分发密钥 to 参数
    master.write_bytes(sample_master.read_bytes())
    out = folder / "分发"
    result = lyciq("distribute", master, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def test_each_section_workbook_holds_its_own_staff_and_no_one_else(distributed):
    books = sorted(distributed.glob("*.xlsx"))
    assert len(books) == 8
    for path in books:
        section = path.name.split("_")[0]
        blob = zip_text(path.read_bytes())
        check_only_own(section, blob, path.name)
        # nothing of the individual sheets had to be blanked: another section's
        # rows were never selected (redaction is the second line of defence)
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for sheet in PersonalBook.SHEETS:
            cells = [v for row in book.get_sheet_by_name(sheet).to_python() for v in row]
            assert "(非本科室信息,已隐去)" not in cells, (path.name, sheet)


def test_each_e_mail_holds_its_own_staff_and_no_one_else(distributed):
    emls = sorted(distributed.glob("*.eml"))
    assert len(emls) == 8
    for path in emls:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        texts = [str(message["Subject"])]
        for part in message.walk():
            payload = part.get_payload(decode=True)
            if payload is None:
                continue
            texts.append(zip_text(payload) if part.get_filename()       # the attached workbook
                         else payload.decode("utf-8", "replace"))
        check_only_own(path.name.split("_")[0], "\n".join(texts), path.name)


def test_a_record_citing_another_sections_person_is_blanked(sample_path, tmp_path):
    """办公室's own record whose 事由 names 人事科's 雷振华 (RSK01) and whose
    个人指标编号 is RSK01-1: both cells go out as (非本科室信息,已隐去)."""
    from openpyxl import load_workbook

    from lyciq_xl.contract import PersonalRecords
    master = tmp_path / "m.xlsx"
    wb = load_workbook(sample_path)
    ws = wb[PersonalRecords.SHEET]
    ws.append(["2014-07", "BGS01", "RSK01-1", "扣分", 0.5, "与雷振华交接不清", "王丽华", "有效"])
    wb.save(master)
    out = tmp_path / "out"
    assert lyciq("distribute", master, "--out", out, "--period", "2014Q3",
                 "--dept", "办公室").returncode == 0
    blob = zip_text((out / "办公室_2014Q3_绩效填报.xlsx").read_bytes())
    assert "雷振华" not in blob and "RSK01" not in blob
    assert "(非本科室信息,已隐去)" in blob


def test_the_word_lookup_finds_what_asking_every_word_finds():
    """mail.personal.Words (substring lookups by the words' lengths) against
    the plain `word in text` for every word, on texts made of the letters of
    the words: overlaps, words inside words, texts shorter than any word."""
    import random

    from lyciq_xl.mail.personal import Words
    rnd = random.Random(2014)
    letters = "张王李明丽军科BGS01-"
    for _ in range(3000):
        words = {"".join(rnd.choice(letters) for _ in range(rnd.randint(2, 6)))
                 for _ in range(rnd.randint(0, 12))}
        text = "".join(rnd.choice(letters) for _ in range(rnd.randint(0, 15)))
        assert Words(words).found_in(text) == any(w in text for w in words), (words, text)
    assert Words({"张明", "BGS01"}).found_in("与张明同去") and not Words({"张明"}).found_in("张")
