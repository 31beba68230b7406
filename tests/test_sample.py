"""`lyciq-xl init`: the master workbook it creates, read back with the real
readers (python-calamine through read_tables, openpyxl, LibreOffice)."""
from __future__ import annotations

import csv
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from lyciq_xl import contract as c
from lyciq_xl import sample
from lyciq_xl.errors import InputError
from lyciq_xl.xlsxio.reader import read_tables

REPO = Path(__file__).resolve().parent.parent
SECTION_NAMES = ["办公室", "人事科", "综合科", "机电化矿科", "轻纺科", "检疫科", "机关服务中心", "保健中心"]


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("full") / "主工作簿.xlsx"
    sample.create(path)
    return path


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("blank") / "空白.xlsx"
    sample.create(path, blank=True)
    return path


def test_every_contract_sheet_and_column_in_order(full):
    tables = read_tables(full)  # raises InputError on any missing sheet/column
    book = openpyxl.load_workbook(full)
    assert book.sheetnames == ["说明", "参数", "科室", "指标框架", "履职管理指标", "重点指标",
                               "扣分标准", "扣分记录", "相互评价", "党组评价", "外部评价", "创优加分",
                               "申诉记录",
                               "人员", "个人指标", "个人扣加分", "个人月度评定", "个人年度评定"]
    for spec in c.INPUT_SHEETS:
        headers = [cell.value for cell in book[spec.SHEET][1]]
        extra = SECTION_NAMES if spec in c.BALLOT_SHEETS else []
        assert headers == list(spec.COLUMNS) + extra, spec.SHEET
        assert tables[spec.SHEET].rows, spec.SHEET
    assert not set(c.OWNED_SHEETS) & set(book.sheetnames)


def test_params_defaults(full):
    params = {r["参数"]: r["值"] for r in read_tables(full, [c.Params])["参数"].rows}
    secret = params.pop("分发密钥")
    assert len(secret) == 64 and int(secret, 16) >= 0 and secret != sample.DEMO_SECRET
    assert params == {
        "单位名称": "辽阳出入境检验检疫局", "年度": Decimal("2014"),
        "完成系数:完成": Decimal("1"), "完成系数:基本完成": Decimal("0.5"), "完成系数:未完成": Decimal("0"),
        "评价:满意": Decimal("1"), "评价:较满意": Decimal("0.8"), "评价:基本满意": Decimal("0.6"),
        "评价:不满意": Decimal("0"), "互评去掉最高最低分": "否",
        "创优:国家级": Decimal("3"), "创优:省级": Decimal("2"), "创优:市级": Decimal("1"),
        "创优:局级": Decimal("0.5"),
        "优秀名额:行政管理科室": Decimal("1"), "优秀名额:业务管理科室": Decimal("1"),
        "优秀名额:直属单位": Decimal("1"), "不合格分数线": Decimal("60"),
        "申诉期限天数": Decimal("15"), "结果审定": "否",
        # individual performance (SPEC 8)
        "个人基础分": Decimal("100"), "个人月加分上限": Decimal("5"),
        "个人月度等次:好": Decimal("95"), "个人月度等次:较好": Decimal("90"),
        "个人月度等次:一般": Decimal("80"), "个人不称职分数线": Decimal("60"),
        "个人基本称职分数线": Decimal("80"), "不称职:较差月数": Decimal("3"),
        "个人优秀比例:优秀": Decimal("0.25"), "个人优秀比例:合格": Decimal("0.2"),
        "个人优秀比例:不合格": Decimal("0.1"),
    }
    notes = [r["说明"] for r in read_tables(full, [c.Params])["参数"].rows]
    assert all(notes)


def test_random_secret_differs_between_inits(tmp_path):
    secrets_seen = set()
    for name in ("a.xlsx", "b.xlsx"):
        sample.create(tmp_path / name, blank=True)
        rows = read_tables(tmp_path / name, [c.Params])["参数"].rows
        secrets_seen |= {r["值"] for r in rows if r["参数"] == "分发密钥"}
    assert len(secrets_seen) == 2


def test_sample_data_shape(full):
    t = read_tables(full)
    deductions = t["扣分记录"].rows
    assert {r["考核期"] for r in deductions} == {"2014Q1", "2014Q2", "2014Q3"}
    assert sum(r["状态"] == "撤销" for r in deductions) == 2
    assert Decimal("0.1") in {r["扣分"] for r in deductions}
    assert Decimal("0.2") in {r["扣分"] for r in deductions}
    indicators = t["履职管理指标"].rows
    assert sum(r["审核状态"] == "草拟" for r in indicators) == 2
    assert {r["科室"] for r in indicators} == set(SECTION_NAMES)
    assert {r["分值"] for r in t["重点指标"].rows} == {Decimal("1.5"), Decimal("1"), Decimal("0.5")}
    assert {r["科室"] for r in t["外部评价"].rows} == {"综合科", "机电化矿科", "轻纺科", "检疫科"}
    standards = t["扣分标准"].rows
    assert {r["来源"] for r in standards} == {"附件4", "附件5", "本局"}
    assert all("示例" in r["类别"] and "示例" in r["情形"] for r in standards)
    assert len(t["党组评价"].rows) == 5
    assert len(t["相互评价"].rows) == 16
    # Each planted problem is labelled for the clerk.
    labelled = [r["事由"] for r in deductions if "(示例:" in r["事由"]]
    assert len(labelled) == 3


def test_blank_has_structure_only(blank):
    t = read_tables(blank)
    assert [r["科室代码"] for r in t["科室"].rows] == \
        ["BGS", "RSK", "ZHK", "JDHK", "QFK", "JYK", "FWZX", "BJZX"]
    assert len(t["指标框架"].rows) == 14
    assert len(t["参数"].rows) == 21 + 11          # + the individual part's 11 keys
    assert t["申诉记录"].rows == []
    for sheet in ("履职管理指标", "重点指标", "扣分标准", "扣分记录", "相互评价", "党组评价", "外部评价",
                  "创优加分"):
        assert t[sheet].rows == [], sheet
    book = openpyxl.load_workbook(blank)
    assert [cell.value for cell in book["相互评价"][1]] == ["考核期", "票号", "投票科室"] + SECTION_NAMES
    # same drop-downs as the full workbook
    assert _validations(book["扣分记录"])["L2:L1000"] == '"有效,撤销"'


def test_sections_people_and_mail(full):
    rows = read_tables(full, [c.Sections])["科室"].rows
    assert all(r["分管局长"] and r["科室负责人"] for r in rows)
    assert [r["电子邮箱"] for r in rows][:2] == ["bgs@ly-ciq.example", "rsk@ly-ciq.example"]
    assert all(r["电子邮箱"].endswith(".example") for r in rows)


def _validations(ws) -> dict[str, str]:
    return {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}


def test_dropdowns_on_enumerated_columns(full):
    book = openpyxl.load_workbook(full)
    expect = {
        "科室": {"C2:C1000": '"行政管理科室,业务管理科室,直属单位"'},
        "指标框架": {"A2:A1000": '"行政管理科室和直属单位指标框架,业务管理科室指标框架"',
                   "B2:B1000": '"履职绩效,管理绩效,重点绩效,服务绩效,创优绩效"',
                   "E2:E1000": '"扣分制,得分制,加分制"'},
        "履职管理指标": {"B2:B1000": '"履职绩效,管理绩效"', "K2:K1000": '"草拟,已审核"',
                     "A2:A1000": "'科室'!$B$2:$B$100"},
        "重点指标": {"D2:D1000": '"辽宁局,地方政府,本局"', "K2:K1000": '"草拟,已审核"',
                 "L2:L1000": '"完成,基本完成,未完成"', "G2:G1000": '"1.5,1,0.5"'},
        "扣分标准": {"B2:B1000": '"附件4,附件5,本局"', "D2:D1000": '"一般,较大,重大"'},
        "扣分记录": {"E2:E1000": '"履职绩效,管理绩效"', "L2:L1000": '"有效,撤销"',
                 "B2:B1000": '"2014Q1,2014Q2,2014Q3,2014Q4,2014"'},
        "相互评价": {"D2:K1000": '"满意,较满意,基本满意,不满意"', "C2:C1000": "'科室'!$B$2:$B$100"},
        "党组评价": {"C2:J1000": '"满意,较满意,基本满意,不满意"'},
        "创优加分": {"D2:D1000": '"国家级,省级,市级,局级"'},
    }
    for sheet, wanted in expect.items():
        found = _validations(book[sheet])
        for sqref, formula in wanted.items():
            assert found.get(sqref) == formula, (sheet, sqref, found)
    trim = [dv for dv in book["参数"].data_validations.dataValidation]
    row = next(r for r in range(2, 30) if book["参数"].cell(r, 1).value == "互评去掉最高最低分")
    assert [(str(dv.sqref), dv.formula1) for dv in trim] == [(f"B{row}", '"是,否"')]
    strict = {dv.formula1: dv.errorStyle for dv in book["扣分记录"].data_validations.dataValidation}
    assert strict['"有效,撤销"'] in (None, "stop")
    assert all(dv.error and dv.prompt for ws in book for dv in ws.data_validations.dataValidation)


def test_number_and_date_validations(full):
    book = openpyxl.load_workbook(full)
    dvs = {str(dv.sqref): dv for dv in book["扣分记录"].data_validations.dataValidation}
    date, points = dvs["C2:C1000"], dvs["I2:I1000"]
    # Excel serials: 2000-01-01 is 36526, 2099-12-31 is 73050
    assert (date.type, date.operator, date.formula1, date.formula2) == ("date", "between", "36526", "73050")
    assert (points.type, points.operator, points.formula1) == ("decimal", "greaterThan", "0")
    rate = {str(dv.sqref): dv for dv in book["外部评价"].data_validations.dataValidation}["C2:C1000"]
    assert (rate.type, rate.operator, rate.formula1, rate.formula2) == ("decimal", "between", "0", "100")


def test_write_failure_is_a_clear_message(tmp_path):
    # the "folder" is a file: the OS refuses, the clerk gets a sentence, not a traceback
    (tmp_path / "报表").write_bytes(b"")
    with pytest.raises(InputError, match="无法写入"):
        sample.create(tmp_path / "报表" / "主工作簿.xlsx")
    assert list(tmp_path.iterdir()) == [tmp_path / "报表"]


def test_conditional_highlights(full):
    book = openpyxl.load_workbook(full)
    rules = {str(rng.sqref): [r.formula for r in rng.rules]
             for rng in book["相互评价"].conditional_formatting}
    assert rules == {"D2:K1000": [["$C2=D$1"]]}
    rules = {str(rng.sqref): [r.formula for r in rng.rules]
             for rng in book["扣分记录"].conditional_formatting}
    assert rules == {"A2:N1000": [['$L2="撤销"']]}  # 状态 is L; 考核类型, 专项名称 follow


def test_presentation(full):
    book = openpyxl.load_workbook(full)
    for spec in c.INPUT_SHEETS:
        ws = book[spec.SHEET]
        assert ws.freeze_panes == "A2", spec.SHEET
        assert ws.auto_filter.ref.startswith("A1:"), spec.SHEET
        assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    ws = book["扣分记录"]
    assert ws["C2"].number_format == "yyyy-mm-dd" and ws["I2"].number_format == "0.0"
    assert ws["H2"].alignment.wrap_text
    assert ws.column_dimensions["H"].width > ws.column_dimensions["B"].width
    guide = book["说明"]
    text = "\n".join(str(cell.value) for row in guide.iter_rows() for cell in row if cell.value)
    for code in c.RULES:
        assert code in text
    for step in ("起草指标", "分管局长审核", "分发", "回收", "重新计算", "生成附件"):
        assert step in text
    assert book.sheetnames[0] == "说明" and book.active.title == "说明"


def test_existing_file_refused_then_backed_up_with_force(tmp_path):
    path = tmp_path / "主工作簿.xlsx"
    path.write_bytes(b"old clerk work")
    with pytest.raises(InputError) as err:
        sample.create(path)
    assert "已存在" in str(err.value) and "--force" in str(err.value)
    assert path.read_bytes() == b"old clerk work"
    path.chmod(0o640)
    sample.create(path, force=True)
    assert path.stat().st_mode & 0o777 == 0o640  # the replaced file's permissions kept
    backups = list((tmp_path / ".lyciq-backup").iterdir())
    assert [b.read_bytes() for b in backups] == [b"old clerk work"]
    assert read_tables(path)["科室"].rows


def test_bad_target_names(tmp_path):
    with pytest.raises(InputError, match="xlsx"):
        sample.create(tmp_path / "主工作簿.xls")
    (tmp_path / "x.xlsx").mkdir()
    with pytest.raises(InputError, match="文件夹"):
        sample.create(tmp_path / "x.xlsx", force=True)


def test_cli_init_exit_codes(tmp_path):
    path = tmp_path / "wb.xlsx"
    run = [sys.executable, "-m", "lyciq_xl", "init", str(path)]
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    first = subprocess.run(run, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(run, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert again.returncode == 2 and "Traceback" not in again.stderr
    assert "已存在" in again.stderr
    forced = subprocess.run(run + ["--blank", "--force"], capture_output=True, text=True,
                            env=env, cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert len(list((tmp_path / ".lyciq-backup").iterdir())) == 1
    assert read_tables(path, [c.Deductions])["扣分记录"].rows == []


def test_sample_bytes_reproducible_and_committed_file_current():
    first = sample.build_sample()
    assert sample.build_sample() == first
    committed = REPO / "workbook" / "主工作簿示例.xlsx"
    assert committed.read_bytes() == first, "run: python -m lyciq_xl.sample"
    rows = read_tables(committed, [c.Params])["参数"].rows
    assert {r["值"] for r in rows if r["参数"] == "分发密钥"} == {sample.DEMO_SECRET}


def test_libreoffice_opens_it(full, tmp_path):
    profile = f"file:///tmp/lo-profile-sample-{uuid.uuid4().hex}"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,8",
         "--outdir", str(tmp_path), str(full)],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    # sheet 8 (扣分记录): header row read back by LibreOffice
    out = sorted(tmp_path.glob("*-扣分记录.csv")) or sorted(tmp_path.glob("*.csv"))
    assert out, (result.stdout, result.stderr)
    texts = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.csv")}
    deductions = next(t for t in texts.values() if t.startswith("记录号"))
    header = next(csv.reader(deductions.splitlines()))
    assert header == list(c.Deductions.COLUMNS)
    assert "2014-001" in deductions and "0.1" in deductions


def test_planted_problems_without_text_column_carry_a_comment(full):
    book = openpyxl.load_workbook(full)
    commented = {(ws.title, cell.coordinate): cell.comment.text
                 for ws in book for row in ws.iter_rows() for cell in row if cell.comment}
    # 相互评价 E5: ballot HP-04 (row 5) by 人事科 in its own column E;
    # 重点指标 L15: QFK-ZD-03's blank 完成情况
    assert set(commented) == {("相互评价", "E5"), ("重点指标", "L15")}
    assert "B02" in commented[("相互评价", "E5")] and "K02" in commented[("重点指标", "L15")]
    assert book["相互评价"]["E5"].value == "满意" and book["重点指标"]["L15"].value is None
