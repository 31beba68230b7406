"""A small master workbook (SPEC section 5) for the annex tests, built with
openpyxl so the tests do not depend on `lyciq_xl.sample`."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from lyciq_xl import contract as c

DEPUTY = {"BGS": "王局长", "RSK": "王局长", "ZHK": "李局长", "JDHK": "李局长",
          "QFK": "李局长", "JYK": "赵局长", "FWZX": "赵局长", "BJZX": "赵局长"}

LONG = ("严格执行进出口商品检验法及其实施条例,对列入目录的进出口商品实施法定检验,"
        "检验批次合格率、报检单证审核准确率均达到省局要求,")

# (科室, 绩效类别, 指标编号, 指标名称, 审核状态); the sheet order is deliberately
# mixed: 管理 before 履职, sections out of 科室 order, a draft, an unknown 科室.
INDICATORS = [
    ("轻纺科", c.Category.MANAGEMENT, "QFK-G01", "轻纺科内部管理", c.Approval.APPROVED),
    ("QFK", c.Category.DUTY, "QFK-L01", "纺织品法定检验", c.Approval.APPROVED),
    ("办公室", c.Category.DUTY, "BGS-L01", "公文运转及时", c.Approval.APPROVED),
    ("办公室", c.Category.DUTY, "BGS-L02", "督查督办落实", c.Approval.APPROVED),
    ("办公室", c.Category.MANAGEMENT, "BGS-G01", "政务信息报送", c.Approval.APPROVED),
    ("办公室", c.Category.DUTY, "BGS-L03", "档案管理规范", c.Approval.DRAFT),
    ("财务科", c.Category.DUTY, "CWK-L01", "不存在的科室指标", c.Approval.APPROVED),
    ("QFK", c.Category.DUTY, "QFK-L02", "轻纺产品质量监督抽查", c.Approval.APPROVED),
    ("检疫科", c.Category.DUTY, "JYK-L01", "口岸卫生检疫查验", c.Approval.APPROVED),
    ("检疫科", c.Category.MANAGEMENT, "JYK-G01", "检疫科廉政建设", c.Approval.DRAFT),
]

# (科室, 指标编号, 重点工作事项, 分值, 审核状态, 完成情况)
KEY_TASKS = [
    ("办公室", "BGS-Z01", "推进无纸化办公系统建设", 1.5, c.Approval.APPROVED, None),
    ("办公室", "BGS-Z02", "完成机关档案数字化", 1, c.Approval.APPROVED, None),
    ("轻纺科", "QFK-Z01", "出口服装质量提升工程", 1, c.Approval.APPROVED, None),
    ("人事科", "RSK-Z01", "全员业务培训计划", 0.5, c.Approval.APPROVED, None),
    ("轻纺科", "QFK-Z02", "纺织品检测能力建设", 0.5, c.Approval.APPROVED, None),
    ("轻纺科", "QFK-Z03", "轻纺产品风险监测(草拟)", 1, c.Approval.DRAFT, None),
    ("财务科", "CWK-Z01", "不存在科室的重点任务", 1, c.Approval.APPROVED, None),
]


# (记录号, 考核期, 日期, 科室, 绩效类别, 指标编号, 标准编号, 事由, 扣分, 部门, 文号, 状态)
DEDUCTIONS = [
    (1, "2014Q1", dt.date(2014, 2, 10), "办公室", c.Category.DUTY, "BGS-L01", "S01",
     "公文延误", 0.5, "办公室", None, c.Status.VALID),
    (2, "2014Q2", dt.date(2014, 5, 6), "轻纺科", c.Category.MANAGEMENT, "QFK-G01", "S01",
     "内部管理不到位", 1.2, "办公室", None, c.Status.VALID),
]


def _sheet(book: Workbook, name: str, headers, rows=()) -> None:
    ws = book.create_sheet(name)
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))


def build_master(path: Path, completion: dict[str, str] | None = None) -> Path:
    """Write the test master workbook; `completion` fills 完成情况 by 指标编号."""
    book = Workbook()
    book.remove(book.active)
    params = [(c.ParamKey.ORG_NAME, "辽阳出入境检验检疫局"), (c.ParamKey.YEAR, 2014)]
    params += [(c.ParamKey.COMPLETION_PREFIX + k, float(v)) for k, v in c.DEFAULT_COMPLETION]
    params += [(c.ParamKey.RATING_PREFIX + k, float(v)) for k, v in c.DEFAULT_RATINGS]
    params += [(c.ParamKey.BONUS_PREFIX + k, float(v)) for k, v in c.DEFAULT_BONUS_LEVELS]
    params += [(c.ParamKey.TRIM, c.NO), (c.ParamKey.FAIL_LINE, 60)]
    _sheet(book, c.Params.SHEET, (c.Params.KEY, c.Params.VALUE), params)
    _sheet(book, c.Sections.SHEET, c.Sections.COLUMNS,
           [(code, name, series, DEPUTY[code], None, None)
            for code, name, series in c.DEFAULT_SECTIONS])
    _sheet(book, c.Framework.SHEET, c.Framework.COLUMNS,
           [(f, cat, item, float(points), method, None, None)
            for f, cat, item, points, method in c.DEFAULT_FRAMEWORK])
    _sheet(book, c.Indicators.SHEET, c.Indicators.COLUMNS,
           [(dept, cat, code, name, LONG + name, "每发生一次扣0.1分," + LONG, "查阅资料",
             "季度", "办公室", "张三", status)
            for dept, cat, code, name, status in INDICATORS])
    completion = completion or {}
    _sheet(book, c.KeyTasks.SHEET, c.KeyTasks.COLUMNS,
           [(dept, code, task, c.KeySource.BUREAU, "年底前完成," + LONG, "2014年12月",
             points, "王局长", "李四", "综合科", status, completion.get(code))
            for dept, code, task, points, status, _ in KEY_TASKS])
    _sheet(book, c.Standards.SHEET, c.Standards.COLUMNS,
           [("S01", c.StandardSource.ANNEX4, "差错", c.Severity.MINOR, "一般差错", 0.1, 2,
             "履职绩效,管理绩效")])
    _sheet(book, c.Deductions.SHEET, c.Deductions.COLUMNS, DEDUCTIONS)
    for spec in (c.External, c.Bonuses):
        _sheet(book, spec.SHEET, spec.COLUMNS)
    section_names = [name for _, name, _ in c.DEFAULT_SECTIONS]
    _sheet(book, c.PeerBallots.SHEET, list(c.PeerBallots.COLUMNS) + section_names)
    _sheet(book, c.PartyBallots.SHEET, list(c.PartyBallots.COLUMNS) + section_names)
    book.save(path)
    return path
