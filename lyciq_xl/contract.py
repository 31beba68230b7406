"""The master workbook contract (SPEC.md section 5), in one place.

Every sheet name, column header, enumerated value, 参数 key and rule code
that the tool reads or writes is spelled here and nowhere else. Clerks build
these sheets by hand and other tools read them: change nothing here without
changing SPEC.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEMPLATE_VERSION = "2"   # 2: section workbooks carry their signed 分发编号 and 分发底稿 (collect)


# --- input sheets -----------------------------------------------------------
# Each class names one sheet (SHEET), its columns, and which are REQUIRED.
# Columns are found by header text in row 1; order does not matter and extra
# columns are kept and ignored.

class Params:
    SHEET = "参数"
    KEY = "参数"
    VALUE = "值"
    NOTE = "说明"
    REQUIRED = (KEY, VALUE)
    COLUMNS = (KEY, VALUE, NOTE)


class Sections:
    SHEET = "科室"
    CODE = "科室代码"
    NAME = "科室名称"
    SERIES = "序列"
    DEPUTY = "分管局长"
    HEAD = "科室负责人"
    EMAIL = "电子邮箱"
    REQUIRED = (CODE, NAME, SERIES)
    COLUMNS = (CODE, NAME, SERIES, DEPUTY, HEAD, EMAIL)


class Framework:
    SHEET = "指标框架"
    FRAMEWORK = "框架"
    CATEGORY = "绩效类别"
    ITEM = "分项"
    POINTS = "分值"
    METHOD = "评分方式"
    ASSESSOR = "考核责任部门"
    NOTE = "说明"
    REQUIRED = (FRAMEWORK, CATEGORY, ITEM, POINTS, METHOD)
    COLUMNS = (FRAMEWORK, CATEGORY, ITEM, POINTS, METHOD, ASSESSOR, NOTE)


class Indicators:
    SHEET = "履职管理指标"
    DEPT = "科室"
    CATEGORY = "绩效类别"
    ID = "指标编号"
    NAME = "指标名称"
    CONTENT = "指标内容"
    STANDARD = "评分标准"
    METHOD = "考核方式"
    CYCLE = "考核周期"
    ASSESSOR = "考核责任部门"
    OWNER = "责任人"
    APPROVAL = "审核状态"
    REQUIRED = (DEPT, CATEGORY, ID, NAME, APPROVAL)
    COLUMNS = (DEPT, CATEGORY, ID, NAME, CONTENT, STANDARD, METHOD, CYCLE,
               ASSESSOR, OWNER, APPROVAL)


class KeyTasks:
    SHEET = "重点指标"
    DEPT = "科室"
    ID = "指标编号"
    TASK = "重点工作事项"
    SOURCE = "指标来源"
    TARGET = "目标要求"
    DEADLINE = "完成时限"
    POINTS = "分值"
    LEADER = "责任领导"
    OWNER = "责任人"
    ASSESSOR = "考核责任部门"
    APPROVAL = "审核状态"
    COMPLETION = "完成情况"
    REQUIRED = (DEPT, ID, TASK, POINTS, APPROVAL)
    COLUMNS = (DEPT, ID, TASK, SOURCE, TARGET, DEADLINE, POINTS, LEADER, OWNER,
               ASSESSOR, APPROVAL, COMPLETION)


class Standards:
    SHEET = "扣分标准"
    ID = "标准编号"
    SOURCE = "来源"
    KIND = "类别"
    LEVEL = "等级"
    CASE = "情形"
    MIN = "最低扣分"
    MAX = "最高扣分"
    CATEGORIES = "适用绩效类别"
    REQUIRED = (ID, SOURCE, LEVEL, CASE, MIN, MAX, CATEGORIES)
    COLUMNS = (ID, SOURCE, KIND, LEVEL, CASE, MIN, MAX, CATEGORIES)


class Deductions:
    SHEET = "扣分记录"
    RECORD_NO = "记录号"
    PERIOD = "考核期"
    DATE = "日期"
    DEPT = "科室"
    CATEGORY = "绩效类别"
    INDICATOR = "指标编号"
    STANDARD = "标准编号"
    REASON = "事由"
    POINTS = "扣分"
    ASSESSOR = "考核责任部门"
    DOC_NO = "依据文号"
    STATUS = "状态"
    # Optional, SPEC section 9: blank 考核类型 = 季度考核 (年度考核 on a bare year).
    KIND = "考核类型"
    SPECIAL = "专项名称"
    REQUIRED = (RECORD_NO, PERIOD, DATE, DEPT, CATEGORY, INDICATOR, STANDARD,
                REASON, POINTS, STATUS)
    COLUMNS = (RECORD_NO, PERIOD, DATE, DEPT, CATEGORY, INDICATOR, STANDARD,
               REASON, POINTS, ASSESSOR, DOC_NO, STATUS, KIND, SPECIAL)


class PeerBallots:
    """相互评价: fixed columns, then one column per section named by 科室名称."""
    SHEET = "相互评价"
    PERIOD = "考核期"
    BALLOT_NO = "票号"
    VOTER = "投票科室"
    REQUIRED = (PERIOD, BALLOT_NO, VOTER)
    COLUMNS = REQUIRED


class PartyBallots:
    """党组评价: fixed columns, then one column per section named by 科室名称."""
    SHEET = "党组评价"
    PERIOD = "考核期"
    BALLOT_NO = "票号"
    REQUIRED = (PERIOD, BALLOT_NO)
    COLUMNS = REQUIRED


class External:
    SHEET = "外部评价"
    PERIOD = "考核期"
    DEPT = "科室"
    GOVERNMENT = "地方政府评价"
    ENTERPRISE = "企业评价"
    REQUIRED = (PERIOD, DEPT)
    COLUMNS = (PERIOD, DEPT, GOVERNMENT, ENTERPRISE)


class Bonuses:
    SHEET = "创优加分"
    PERIOD = "考核期"
    DEPT = "科室"
    ITEM = "事项"
    LEVEL = "级别"
    POINTS = "加分"
    DOC_NO = "依据文号"
    REQUIRED = (PERIOD, DEPT, ITEM, LEVEL, POINTS)
    COLUMNS = (PERIOD, DEPT, ITEM, LEVEL, POINTS, DOC_NO)


INPUT_SHEETS = (Params, Sections, Framework, Indicators, KeyTasks, Standards,
                Deductions, PeerBallots, PartyBallots, External, Bonuses)

# Sheets whose extra columns are section names (one ballot column each).
BALLOT_SHEETS = (PeerBallots, PartyBallots)


# --- sheets written by the tool (replaced on every run) ----------------------

class Results:
    SHEET = "考核结果"
    PERIOD = "考核期"
    CODE = "科室代码"
    DEPT = "科室"
    SERIES = "序列"
    DUTY = "履职绩效"
    MANAGEMENT = "管理绩效"
    KEY = "重点绩效"
    SERVICE = "服务绩效"
    EXCELLENCE = "创优绩效"
    TOTAL = "总分"
    RANK = "序列排名"
    GRADE = "等次"
    PENDING = "待核"
    COLUMNS = (PERIOD, CODE, DEPT, SERIES, DUTY, MANAGEMENT, KEY, SERVICE,
               EXCELLENCE, TOTAL, RANK, GRADE, PENDING)


class ServiceDetail:
    SHEET = "服务评价明细"
    PERIOD = "考核期"
    DEPT = "科室"
    PEER = "相互评价"
    PARTY = "党组评价"
    GOVERNMENT = "地方政府评价"
    ENTERPRISE = "企业评价"
    BALLOTS = "有效票数"
    COLUMNS = (PERIOD, DEPT, PEER, PARTY, GOVERNMENT, ENTERPRISE, BALLOTS)


class Findings:
    SHEET = "校验结果"
    LEVEL = "级别"
    SHEET_NAME = "工作表"
    CELL = "单元格"
    RULE = "规则"
    MESSAGE = "说明"
    COLUMNS = (LEVEL, SHEET_NAME, CELL, RULE, MESSAGE)


class Receipts:
    SHEET = "回收记录"
    DEPT = "科室"
    PERIOD = "期间"
    FILE = "文件"
    RECEIVED = "收到时间"
    ON_TIME = "是否按期"
    CHANGES = "变更数"
    COLUMNS = (DEPT, PERIOD, FILE, RECEIVED, ON_TIME, CHANGES)


class Changes:
    SHEET = "回收变更"
    SHEET_NAME = "工作表"
    ROW = "行"
    COLUMN = "列"
    BEFORE = "原值"
    AFTER = "新值"
    DEPT = "科室"
    FILE = "文件"
    COLUMNS = (SHEET_NAME, ROW, COLUMN, BEFORE, AFTER, DEPT, FILE)


GUIDE_SHEET = "说明"  # instructions sheet written by `init`

# Sheets `recalc` owns; `collect` owns RECEIPTS and CHANGES.
RECALC_OWNED: tuple[type[Any], ...] = (Results, ServiceDetail, Findings)   # grown below
COLLECT_OWNED = (Receipts, Changes)
OWNED_SHEETS = tuple(s.SHEET for s in RECALC_OWNED + COLLECT_OWNED)


# --- enumerations --------------------------------------------------------------

class Category:
    DUTY = "履职绩效"
    MANAGEMENT = "管理绩效"
    KEY = "重点绩效"
    SERVICE = "服务绩效"
    EXCELLENCE = "创优绩效"
    ALL = (DUTY, MANAGEMENT, KEY, SERVICE, EXCELLENCE)
    DEDUCTIBLE = (DUTY, MANAGEMENT)


class ServiceItem:
    """分项 names of 服务绩效 in 指标框架."""
    PEER = "相互评价"
    PARTY = "党组评价"
    GOVERNMENT = "地方政府评价"
    ENTERPRISE = "企业评价"
    ALL = (PEER, PARTY, GOVERNMENT, ENTERPRISE)


class Method:
    DEDUCT = "扣分制"
    SCORE = "得分制"
    BONUS = "加分制"
    ALL = (DEDUCT, SCORE, BONUS)


class Series:
    ADMIN = "行政管理科室"
    BUSINESS = "业务管理科室"
    AFFILIATED = "直属单位"
    ALL = (ADMIN, BUSINESS, AFFILIATED)


class FrameworkName:
    ADMIN = "行政管理科室和直属单位指标框架"
    BUSINESS = "业务管理科室指标框架"
    ALL = (ADMIN, BUSINESS)


# Which framework each series is assessed under (SPEC section 3).
SERIES_FRAMEWORK = {
    Series.ADMIN: FrameworkName.ADMIN,
    Series.BUSINESS: FrameworkName.BUSINESS,
    Series.AFFILIATED: FrameworkName.ADMIN,
}

# Only this series receives 地方政府评价 and 企业评价 (第十二条).
EXTERNAL_SERIES = Series.BUSINESS


class Approval:
    DRAFT = "草拟"
    APPROVED = "已审核"
    ALL = (DRAFT, APPROVED)


class Status:
    VALID = "有效"
    REVOKED = "撤销"
    ALL = (VALID, REVOKED)


class StandardSource:
    ANNEX4 = "附件4"
    ANNEX5 = "附件5"
    BUREAU = "本局"
    ALL = (ANNEX4, ANNEX5, BUREAU)


class Severity:
    """等级 of a deduction standard."""
    MINOR = "一般"
    MAJOR = "较大"
    GRAVE = "重大"
    ALL = (MINOR, MAJOR, GRAVE)


class KeySource:
    """指标来源 of a key indicator."""
    PROVINCE = "辽宁局"
    LOCAL_GOV = "地方政府"
    BUREAU = "本局"
    ALL = (PROVINCE, LOCAL_GOV, BUREAU)


class Grade:
    """等次 written to 考核结果."""
    EXCELLENT = "优秀"
    PASS = "合格"
    FAIL = "不合格"


class Level:
    """级别 of a finding in 校验结果."""
    ERROR = "错误"
    WARNING = "警告"


YES = "是"
NO = "否"

# Separator between categories in 扣分标准.适用绩效类别 ("履职绩效,管理绩效").
# Clerks type either the ASCII or the full-width comma, or 、.
LIST_SEPARATORS = (",", "，", "、")


# --- 参数 keys and their defaults -------------------------------------------------
# Keys of the form "前缀:名称" define a scale; the defaults are what `init`
# writes. The engine reads the values from the workbook, never from here.

class ParamKey:
    ORG_NAME = "单位名称"
    YEAR = "年度"
    COMPLETION_PREFIX = "完成系数:"
    RATING_PREFIX = "评价:"
    TRIM = "互评去掉最高最低分"
    BONUS_PREFIX = "创优:"
    QUOTA_PREFIX = "优秀名额:"
    FAIL_LINE = "不合格分数线"
    SECRET = "分发密钥"  # HMAC key for distributed workbooks (kept in master only)
    # Optional (annexes): short name in annex titles; default 单位名称 without 出入境.
    ORG_SHORT = "单位简称"


DEFAULT_COMPLETION = (("完成", "1"), ("基本完成", "0.5"), ("未完成", "0"))
DEFAULT_RATINGS = (("满意", "1"), ("较满意", "0.8"), ("基本满意", "0.6"),
                   ("不满意", "0"))
DEFAULT_BONUS_LEVELS = (("国家级", "3"), ("省级", "2"), ("市级", "1"),
                        ("局级", "0.5"))
DEFAULT_QUOTA = "1"
DEFAULT_FAIL_LINE = "60"

# Allowed 分值 of a key indicator (第十条) — fixed by the measures, not a default.
KEY_TASK_POINTS = ("1.5", "1", "0.5")

# Default framework (annex 1 stand-in): (框架, 绩效类别, 分项, 分值, 评分方式).
DEFAULT_FRAMEWORK = (
    (FrameworkName.ADMIN, Category.DUTY, Category.DUTY, "40", Method.DEDUCT),
    (FrameworkName.ADMIN, Category.MANAGEMENT, Category.MANAGEMENT, "30", Method.DEDUCT),
    (FrameworkName.ADMIN, Category.KEY, Category.KEY, "10", Method.SCORE),
    (FrameworkName.ADMIN, Category.SERVICE, ServiceItem.PEER, "15", Method.SCORE),
    (FrameworkName.ADMIN, Category.SERVICE, ServiceItem.PARTY, "15", Method.SCORE),
    (FrameworkName.ADMIN, Category.EXCELLENCE, Category.EXCELLENCE, "5", Method.BONUS),
    (FrameworkName.BUSINESS, Category.DUTY, Category.DUTY, "45", Method.DEDUCT),
    (FrameworkName.BUSINESS, Category.MANAGEMENT, Category.MANAGEMENT, "25", Method.DEDUCT),
    (FrameworkName.BUSINESS, Category.KEY, Category.KEY, "10", Method.SCORE),
    (FrameworkName.BUSINESS, Category.SERVICE, ServiceItem.PEER, "10", Method.SCORE),
    (FrameworkName.BUSINESS, Category.SERVICE, ServiceItem.PARTY, "10", Method.SCORE),
    (FrameworkName.BUSINESS, Category.SERVICE, ServiceItem.GOVERNMENT, "5", Method.SCORE),
    (FrameworkName.BUSINESS, Category.SERVICE, ServiceItem.ENTERPRISE, "5", Method.SCORE),
    (FrameworkName.BUSINESS, Category.EXCELLENCE, Category.EXCELLENCE, "5", Method.BONUS),
)

# Default sections (SPEC section 3): (科室代码, 科室名称, 序列).
DEFAULT_SECTIONS = (
    ("BGS", "办公室", Series.ADMIN),
    ("RSK", "人事科", Series.ADMIN),
    ("ZHK", "综合科", Series.BUSINESS),
    ("JDHK", "机电化矿科", Series.BUSINESS),
    ("QFK", "轻纺科", Series.BUSINESS),
    ("JYK", "检疫科", Series.BUSINESS),
    ("FWZX", "机关服务中心", Series.AFFILIATED),
    ("BJZX", "保健中心", Series.AFFILIATED),
)


# --- validation rules ----------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    code: str
    level: str
    title: str      # what the rule checks, in Chinese (shown in 说明 sheet)
    fix: str        # how to fix it, appended to every message


RULES = {r.code: r for r in (
    Rule("D01", Level.ERROR, "扣分须为0.1的正整数倍",
         "请填写大于0、以0.1分为单位的扣分(第十一条)。"),
    Rule("D02", Level.ERROR, "标准编号不在扣分标准中",
         "请核对标准编号,或先在“扣分标准”表中增加该标准。"),
    Rule("D03", Level.ERROR, "扣分超出该标准的最低/最高扣分范围",
         "请按“扣分标准”表中该标准的最低扣分和最高扣分填写。"),
    Rule("D04", Level.ERROR, "绩效类别不是履职绩效/管理绩效,或该标准不适用于此类别",
         "请填写履职绩效或管理绩效,并与该标准的“适用绩效类别”一致。"),
    Rule("D05", Level.ERROR, "科室不存在",
         "请填写“科室”表中的科室名称或科室代码。"),
    Rule("D06", Level.ERROR, "考核期格式错误或不在本年度",
         "考核期请写成“2014Q3”(季度)或“2014”(年度),年份须与参数“年度”一致。"),
    Rule("D07", Level.ERROR, "指标编号不是该科室该绩效类别的指标",
         "请填写“履职管理指标”表中该科室、该绩效类别下的指标编号。"),
    Rule("D08", Level.WARNING, "与前面的记录重复(科室、标准编号、日期、事由均相同)",
         "如确属两次扣分请在事由中注明区别,否则请将重复记录的状态改为“撤销”。"),
    Rule("D09", Level.ERROR, "日期不在考核期内",
         "请核对日期或考核期,日期须落在该季度(或年度)之内。"),
    # D10 extends SPEC section 5: a 状态 other than 有效/撤销/blank would
    # otherwise be silently counted or silently dropped. Blank reads as 有效.
    Rule("D10", Level.ERROR, "状态须为有效或撤销",
         "请在“状态”列选择“有效”或“撤销”(留空按有效计)。"),
    Rule("K01", Level.ERROR, "重点指标分值须为1.5、1或0.5",
         "请按工作难度和重要程度赋1.5、1或0.5分(第十条)。"),
    Rule("K02", Level.WARNING, "完成情况为空或不在完成系数表中(按0分计)",
         "请填写参数表“完成系数”中的一项,如完成、基本完成、未完成。"),
    Rule("K03", Level.WARNING, "科室重点指标分值合计超过框架上限",
         "超出部分不计分;如需调整请修改重点指标分值或框架分值。"),
    Rule("B01", Level.ERROR, "评价等次不在评价标准中",
         "请填写参数表“评价”中的一项,如满意、较满意、基本满意、不满意,或留空表示弃权。"),
    Rule("B02", Level.ERROR, "科室不能评价本科室",
         "本科室对自己的评价不计入,请将该单元格留空。"),
    Rule("B03", Level.ERROR, "投票科室或被评价科室列不存在",
         "请填写“科室”表中的科室名称,列标题须为科室名称。"),
    Rule("B04", Level.ERROR, "外部评价只适用于业务管理科室",
         "地方政府评价和企业评价只适用于业务管理科室(第十二条),请删除此行。"),
    Rule("B05", Level.ERROR, "得分率须在0到100之间",
         "请填写0到100之间的得分率。"),
    Rule("C01", Level.ERROR, "创优级别不存在",
         "请填写参数表“创优”中的级别,如国家级、省级、市级、局级。"),
    Rule("C02", Level.ERROR, "加分与该级别的分值不一致",
         "请按参数表中该级别的加分填写。"),
    Rule("A01", Level.WARNING, "指标已被使用但审核状态不是已审核",
         "请分管局长审核后将审核状态改为“已审核”(第九、十条)。"),
)}

# --- issue 8 (robust): dates and 得分率 as clerks type them ---------------------
# D16 (D11–D15 are SPEC 9's intake rules) splits "no date at all" from D09
# (a real date outside the period): an unreadable date used to be titled
# 日期不在考核期内. B06: Excel stores 72% as 0.72; a bare 0.72 in 得分率 is
# scored as 0.72 (of 100) but most likely meant 72%.
RULES.update({r.code: r for r in (
    Rule("D16", Level.ERROR, "日期未填写或无法识别",
         "请填写四位年份的日期,如2014-03-05、2014/3/5、2014年3月5日或20140305。"),
    Rule("B06", Level.WARNING, "得分率在0到1之间,可能把百分比写成了小数",
         "得分率按0到100计(72%请写72或72%);如确为不到1分请忽略本提示。"),
)})


# --- distribute / collect (section workbooks, receipts) -----------------------
# Added for `distribute`/`collect`/`status` (lyciq_xl/mail). Custom document
# properties carry a section workbook's identity and its HMAC.

class SectionBook:
    GUIDE_SHEET = "填报说明"
    FILE_SUFFIX = "绩效填报"            # <科室名称>_<期间>_绩效填报.xlsx
    RECEIPT_SUFFIX = "回执"             # <科室名称>_<期间>_回执.xlsx
    PROP_CODE = "科室代码"
    PROP_PERIOD = "期间"
    PROP_VERSION = "模板版本"
    PROP_ROWS = "锁定行数"              # existing rows per sheet, covered by the HMAC
    PROP_MAC = "校验码"                 # HMAC-SHA256 of the locked content
    # The distribution id (time of distribution + random) and every input
    # cell's value as distributed (the base of collect's three-way merge),
    # both covered by the HMAC. The base is JSON cut into properties named
    # 分发底稿1, 分发底稿2, ... of at most 255 characters each (Office keeps
    # no longer custom property values).
    PROP_DIST = "分发编号"
    PROP_BASE = "分发底稿"
    NEW_ROWS = 10                       # blank rows offered for new indicators
    # Input columns (unlocked) of the rows the section already has.
    INDICATOR_INPUTS = (Indicators.CONTENT, Indicators.STANDARD, Indicators.METHOD,
                        Indicators.OWNER)
    KEY_TASK_INPUTS = (KeyTasks.TARGET, KeyTasks.DEADLINE, KeyTasks.OWNER,
                       KeyTasks.COMPLETION)
    # Columns a new indicator row may fill (科室 and 审核状态 are set on merge).
    INDICATOR_NEW = (Indicators.CATEGORY, Indicators.ID, Indicators.NAME,
                     Indicators.CONTENT, Indicators.STANDARD, Indicators.METHOD,
                     Indicators.CYCLE, Indicators.OWNER)
    # Changing these on an approved (已审核) indicator sends it back to 草拟:
    # the deputy director approved the content, not whatever replaces it.
    REAPPROVE = (Indicators.CONTENT, Indicators.STANDARD, Indicators.METHOD,
                 KeyTasks.TARGET, KeyTasks.DEADLINE)
    KEY_TASK_NEW = (KeyTasks.ID, KeyTasks.TASK, KeyTasks.SOURCE, KeyTasks.TARGET,
                    KeyTasks.DEADLINE, KeyTasks.POINTS, KeyTasks.LEADER,
                    KeyTasks.OWNER, KeyTasks.COMPLETION)


class ReceiptBook:
    """The 回执 workbook sent back to a section for every returned file."""
    SHEET = "回执"
    SHEET_NAME = "工作表"
    CELL = "单元格"
    RESULT = "结果"
    DETAIL = "说明"
    BEFORE = "原值"
    AFTER = "新值"
    COLUMNS = (SHEET_NAME, CELL, RESULT, DETAIL, BEFORE, AFTER)
    ACCEPTED = "已接收"
    REFUSED = "已拒收"
    CHANGED = "已更新"
    ADDED = "已新增"
    SKIPPED = "未导入"
    NOTE = "提示"
    CONFLICT = "冲突"                   # both sides changed a cell: the master's value stays
    SUPERSEDED = "已取代"               # a newer version of the same return came in the same run
    UNFILLED = "未填写"                 # input cells as distributed: not a return
    VERDICT = "结论"                    # summary label above the table


# 回收记录 gets one column beyond SPEC's six: the file's SHA-256, so the same
# file collected twice is recognised and never re-applied over later edits.
RECEIPT_DIGEST = "文件SHA256"
# ... and when the file was saved (docProps/core.xml, else the e-mail's time)
# and which distribution it came from: returns of one section and period are
# applied in save order, and an older one than a merged one is refused.
RECEIPT_SAVED = "保存时间"
RECEIPT_DIST = "分发编号"
# SPEC 9: which kind of return a row records (ReturnKind: 科室填报/考核填报/反馈单);
# blank in rows written before it existed = 科室填报.
RECEIPT_KIND = "类型"
RECEIPTS_COLUMNS = Receipts.COLUMNS + (RECEIPT_DIGEST, RECEIPT_SAVED, RECEIPT_DIST, RECEIPT_KIND)
# 回收变更 gets three columns beyond SPEC's seven: the indicator's id (rows are
# matched by 科室 + 指标编号, the master row may move), the value the cell had
# when distributed (the merge base) and a mark for a conflict (changed in the
# master and in the return since distribution: the master's value stayed).
CHANGE_ID = "指标编号"
CHANGE_BASE = "分发时值"
CHANGE_MARK = "标记"
CONFLICT_MARK = "冲突:保留主工作簿的值"
CHANGES_COLUMNS = Changes.COLUMNS + (CHANGE_ID, CHANGE_BASE, CHANGE_MARK)
# Sheet or defined names the xlwings add-in code reads its settings from
# (interpreter, PYTHONPATH) inside the ACTIVE workbook: a returned workbook
# holding one could choose the program the next ribbon click runs (issue 13).
ADDIN_CONFIG_NAMES = ("lyciq.conf", "xlwings.conf")


# --- Ribbon cell marks (lyciq_xl.xl) --------------------------------------------
class Marks:
    """Input cells the ribbon's 重新计算/校验 filled with a colour, one row each,
    so that the next run clears exactly those fills and no one else's
    (xlwings' remote clients cannot read fills back). Owned by the tool."""
    SHEET = "标记记录"
    SHEET_NAME = "工作表"
    CELL = "单元格"
    LEVEL = "级别"
    COLUMNS = (SHEET_NAME, CELL, LEVEL)


# --- Section 9: assessing departments and special assessments ---------------------
# (考核责任部门, 专项考核). Who assesses what is resolved in engine/assessors.py;
# the assessor workbook is built by mail/assessor_book.py and read back by
# mail/assessor_intake.py.

class AssessmentKind:
    """扣分记录.考核类型 (第六条: quarterly, special and yearly assessments)."""
    QUARTERLY = "季度考核"
    SPECIAL = "专项考核"
    ANNUAL = "年度考核"
    ALL = (QUARTERLY, SPECIAL, ANNUAL)


RULES.update({r.code: r for r in (
    Rule("D11", Level.ERROR, "专项考核须填写专项名称",
         "考核类型为“专项考核”时,请在“专项名称”列填写专项检查的名称,如“保密专项检查”。"),
    Rule("D12", Level.WARNING, "考核责任部门不是“科室”表中的科室",
         "请填写“科室”表中的科室名称或代码(多个部门用顿号分隔);否则该部门收不到考核填报表。"),
    Rule("D13", Level.ERROR, "该行不属于本部门的考核范围",
         "请只填写本部门负责考核的科室和指标(见“考核指标”表);其他部门的考核内容由该部门报送。"),
    Rule("D14", Level.ERROR, "考核期不是本填报表的期间",
         "请填写本填报表的考核期(年度填报表可填该年度或其中的季度);其他期间请用对应期间的填报表。"),
    Rule("D15", Level.ERROR, "考核类型不正确",
         "考核类型请填写季度考核、专项考核或年度考核(留空按季度考核计,年度考核期留空按年度考核计);"
         "年度考核的考核期须为年度(如2014),季度考核的考核期须为季度(如2014Q3)。"),
)})


# Optional column of 重点指标 a section's own return writes when an assessing
# department reports 完成情况 (SPEC 9, key tasks with an assessing department).
SELF_COMPLETION = "自评完成情况"


class AssessorBook:
    """The 考核填报 workbook sent to one assessing department."""
    FILE_SUFFIX = "考核填报"            # <部门>_<期间>_考核填报.xlsx
    INDICATOR_SHEET = "考核指标"        # locked: the indicators it assesses
    INPUT_SHEET = "扣分填报"            # the deductions it reports
    KEY_TASK_SHEET = "重点指标完成情况"  # 完成情况 of the key tasks it assesses
    PROP_KIND = "填报类型"              # signed identity: which kind of return
    NEW_ROWS = 200                      # blank input rows (more may be inserted)
    # 扣分记录 columns less 记录号/状态, plus 考核类型 and 专项名称.
    INPUT_COLUMNS = (Deductions.PERIOD, Deductions.DATE, Deductions.DEPT,
                     Deductions.CATEGORY, Deductions.INDICATOR, Deductions.STANDARD,
                     Deductions.REASON, Deductions.POINTS, Deductions.ASSESSOR,
                     Deductions.DOC_NO, Deductions.KIND, Deductions.SPECIAL)
    # Columns of the reference sheet 考核指标 (one row per assessed indicator).
    INDICATOR_COLUMNS = (Indicators.DEPT, Indicators.CATEGORY, Indicators.ID,
                         Indicators.NAME, Indicators.CONTENT, Indicators.STANDARD,
                         Indicators.METHOD, Indicators.CYCLE)
    # 自评完成情况 (locked): the section's own view, beside what the department fills
    KEY_TASK_COLUMNS = (KeyTasks.DEPT, KeyTasks.ID, KeyTasks.TASK, KeyTasks.TARGET,
                        KeyTasks.DEADLINE, KeyTasks.POINTS, KeyTasks.COMPLETION, SELF_COMPLETION)
    KEY_TASK_INPUTS = (KeyTasks.COMPLETION,)


class ReturnKind:
    """类型 of a return in 回收记录, the send log and receipt names (SPEC 9)."""
    SECTION = "科室填报"
    ASSESSOR = "考核填报"
    FEEDBACK = "反馈单"
    ALL = (SECTION, ASSESSOR, FEEDBACK)


# Optional column of 外部评价 and 创优加分: the 记录号 of the assessor return
# row that wrote it, so a resend updates that row.
SOURCE_RECORD = "来源记录号"
# A deduction cited in 申诉记录 (contract.Appeals, SPEC 10) is never changed by a resend.


class AssessorImports:
    """Tool-owned registry of the rows imported from assessor returns: a
    resend replaces exactly these, never a row typed by hand. 工作表 and 内容摘要
    go beyond SPEC's five columns: which sheet the row went to, and a digest of
    the values imported, so an office edit since the import is recognised."""
    SHEET = "考核导入记录"
    RECORD_NO = "记录号"
    DEPT = "部门"
    PERIOD = "期间"
    DIGEST = "文件SHA256"
    IMPORTED = "导入时间"
    SHEET_NAME = "工作表"
    CONTENT = "内容摘要"
    COLUMNS = (RECORD_NO, DEPT, PERIOD, DIGEST, IMPORTED, SHEET_NAME, CONTENT)

# --- Appeals, feedback letters and history (SPEC section 10, issue 12) ------------
# 申诉记录 is an optional input sheet: a master without it scores as before.
# 申诉处理明细 (recalc) and 反馈记录 (feedback) are owned by the tool; recalc
# reads 反馈记录 back for the appeal deadline (E03).

class Appeals:
    SHEET = "申诉记录"
    ID = "申诉编号"
    DEPT = "科室"
    RECORD_NO = "记录号"              # the 扣分记录 row appealed
    DATE = "申诉日期"
    REASON = "申诉理由"
    DECISION = "处理结果"
    ADJUSTED = "调整后扣分"
    ADJUSTED_STANDARD = "调整后标准编号"   # optional: re-classifies the deduction
    DECIDED = "处理日期"
    BASIS = "依据"
    REQUIRED = (ID, DEPT, RECORD_NO, DATE, DECISION)
    COLUMNS = (ID, DEPT, RECORD_NO, DATE, REASON, DECISION, ADJUSTED,
               ADJUSTED_STANDARD, DECIDED, BASIS)


class AppealDecision:
    PENDING = "待处理"                # also what a blank 处理结果 means
    UPHELD = "维持"
    REVOKED = "撤销"
    ADJUSTED = "调整"
    ALL = (PENDING, UPHELD, REVOKED, ADJUSTED)
    DECIDED = (UPHELD, REVOKED, ADJUSTED)


class AppealAudit:
    """申诉处理明细: one row per 申诉记录 row, written by recalc. 说明 (beyond
    SPEC's seven columns) says whether the row took effect and why not."""
    SHEET = "申诉处理明细"
    ID = "申诉编号"
    DEPT = "科室"
    RECORD_NO = "记录号"
    ORIGINAL = "原扣分"
    DECISION = "处理结果"
    COUNTED = "计入扣分"
    BASIS = "依据"
    NOTE = "说明"
    COLUMNS = (ID, DEPT, RECORD_NO, ORIGINAL, DECISION, COUNTED, BASIS, NOTE)


class FeedbackLog:
    """反馈记录: one row per letter drafted or sent by `feedback`."""
    SHEET = "反馈记录"
    DEPT = "科室"
    PERIOD = "期间"
    DATE = "反馈日期"
    FILE = "文件"
    REQUIRED = (DEPT, PERIOD, DATE, FILE)
    COLUMNS = REQUIRED


# Read when present, never required (lyciq_xl.xlsxio.reader / lyciq_xl.xl).
OPTIONAL_INPUT_SHEETS: tuple[type[Any], ...] = (Appeals, FeedbackLog)   # grown below
OWNED_SHEETS = OWNED_SHEETS + (AppealAudit.SHEET, FeedbackLog.SHEET)


class FeedbackParam:
    """参数 keys of section 10 (defaults: what `init` writes and what a
    missing key means)."""
    APPEAL_DAYS = "申诉期限天数"        # calendar days from the letter's date
    APPROVED = "结果审定"              # 是: the leading group approved the results
    DEFAULT_APPEAL_DAYS = "15"


# 等次 while an appeal on a 附件5 重大 deduction is 待处理 (the 优秀 veto is open).
GRADE_PENDING = "待定"

# Optional 科室 column: a re-coded section's old 科室代码 (history).
SECTION_OLD_CODE = "原科室代码"


class FeedbackLetter:
    """The 考核结果反馈单 and the history table (print forms)."""
    TITLE = "考核结果反馈单"
    FILE_SUFFIX = "考核结果反馈单"      # <科室名称>_<期间>_考核结果反馈单.xlsx
    HISTORY_TITLE = "历年考核结果对比"
    HISTORY_FILE = "历年考核结果对比"
    NEW = "新设"
    GONE = "撤并"
    UNFINISHED = "未完成"


RULES.update({r.code: r for r in (
    Rule("E01", Level.ERROR, "申诉的记录号不存在或不属于该科室",
         "请填写“扣分记录”表中本科室扣分的记录号。"),
    Rule("E02", Level.ERROR, "处理结果为调整,但调整后扣分无效",
         "请填写大于0、以0.1分为单位、在该标准最低扣分和最高扣分之间的调整后扣分;未改正前按原扣分计。"),
    Rule("E03", Level.WARNING, "申诉日期超过申诉期限",
         "申诉应在反馈单发出之日起参数“申诉期限天数”内提出;请核对申诉日期,逾期申诉是否受理由绩效办决定。"),
    Rule("E04", Level.WARNING, "申诉尚待处理",
         "请处理后在“处理结果”中填写维持、撤销或调整,并填写处理日期和依据。"),
    Rule("E05", Level.ERROR, "处理结果不正确",
         "请在“处理结果”中填写待处理、维持、撤销或调整(留空按待处理计)。"),
    Rule("E06", Level.ERROR, "调整只能降低扣分",
         "调整后扣分不能高于原扣分;如需加重扣分,请在“扣分记录”中另行登记。"),
    Rule("E07", Level.WARNING, "撤销或调整缺少依据",
         "请在“依据”中填写处理所依据的文件或会议纪要。"),
)})


# --- Reader: percent-formatted 得分率 (issue 8 defect 3) -----------------------------
# Excel stores 72% as 0.72 with a percent number format; in these columns such
# a cell is read as 72 (得分率 are 0-100). Read from the cell styles of these
# (small) sheets only: calamine does not report number formats.
PERCENT_POINT_COLUMNS = {External.SHEET: (External.GOVERNMENT, External.ENTERPRISE)}
# --- individual performance (个人绩效, SPEC section 8) ---------------------------
# All optional: without the sheet 人员 the individual part is skipped and
# nothing else changes. The other individual sheets, when absent, read as
# empty. Owned sheet: 个人考核结果 (written only when 人员 is present).

class Staff:
    SHEET = "人员"
    ID = "人员编号"
    NAME = "姓名"
    DEPT = "科室"
    POST = "岗位"
    RANK = "职级"
    STATUS = "状态"
    START = "起始月份"
    END = "截止月份"
    REQUIRED = (ID, NAME, DEPT)
    COLUMNS = (ID, NAME, DEPT, POST, RANK, STATUS, START, END)


class PersonalIndicators:
    SHEET = "个人指标"
    DEPT = "科室"
    PERSON = "人员"
    ID = "个人指标编号"
    NAME = "指标名称"
    SECTION_INDICATOR = "对应科室指标"
    CONTENT = "指标内容"
    STANDARD = "评分标准"
    APPROVAL = "审核状态"
    REQUIRED = (DEPT, PERSON, ID, NAME, SECTION_INDICATOR, APPROVAL)
    COLUMNS = (DEPT, PERSON, ID, NAME, SECTION_INDICATOR, CONTENT, STANDARD, APPROVAL)


class PersonalRecords:
    SHEET = "个人扣加分"
    MONTH = "考核月份"
    PERSON = "人员"
    INDICATOR = "个人指标编号"
    KIND = "类型"
    POINTS = "分值"
    REASON = "事由"
    RECORDER = "记录人"
    STATUS = "状态"
    REQUIRED = (MONTH, PERSON, INDICATOR, KIND, POINTS, REASON, STATUS)
    COLUMNS = (MONTH, PERSON, INDICATOR, KIND, POINTS, REASON, RECORDER, STATUS)


class MonthlyReviews:
    SHEET = "个人月度评定"
    MONTH = "考核月份"
    PERSON = "人员"
    GRADE = "评定等次"
    COMMENT = "评语"
    REVIEWER = "考核人"
    REQUIRED = (MONTH, PERSON)
    COLUMNS = (MONTH, PERSON, GRADE, COMMENT, REVIEWER)


class AnnualReviews:
    SHEET = "个人年度评定"
    YEAR = "年度"
    PERSON = "人员"
    DECIDED = "确定等次"
    NOTE = "备注"
    REQUIRED = (YEAR, PERSON)
    COLUMNS = (YEAR, PERSON, DECIDED, NOTE)


INDIVIDUAL_SHEETS = (Staff, PersonalIndicators, PersonalRecords, MonthlyReviews,
                     AnnualReviews)


class PersonalResults:
    SHEET = "个人考核结果"
    PERIOD = "考核期"
    ID = "人员编号"
    NAME = "姓名"
    DEPT = "科室"
    BASE = "基础分"
    DEDUCTED = "扣分"
    BONUS = "加分"
    SCORE = "得分"
    GRADE = "等次"
    DECIDED = "确定等次"
    RANK = "科室内排名"
    PENDING = "待核"
    COLUMNS = (PERIOD, ID, NAME, DEPT, BASE, DEDUCTED, BONUS, SCORE, GRADE, DECIDED,
               RANK, PENDING)


# recalc owns 个人考核结果 too (written after 校验结果, only when 人员 is present)
RECALC_OWNED = RECALC_OWNED + (PersonalResults,)
OWNED_SHEETS = OWNED_SHEETS + (PersonalResults.SHEET,)


class StaffStatus:
    ON = "在岗"
    OFF = "离岗"
    ALL = (ON, OFF)


class RecordKind:
    DEDUCT = "扣分"
    BONUS = "加分"
    ALL = (DEDUCT, BONUS)


class MonthlyGrade:
    """平时考核 grades, best first."""
    GOOD = "好"
    FAIR = "较好"
    AVERAGE = "一般"
    POOR = "较差"
    ALL = (GOOD, FAIR, AVERAGE, POOR)


class AnnualGrade:
    EXCELLENT = "优秀"
    COMPETENT = "称职"
    BASIC = "基本称职"
    INCOMPETENT = "不称职"
    ALL = (EXCELLENT, COMPETENT, BASIC, INCOMPETENT)


class IndividualParamKey:
    BASE = "个人基础分"
    BONUS_CAP = "个人月加分上限"
    MONTHLY_GRADE_PREFIX = "个人月度等次:"      # + 好/较好/一般: lower bounds
    INCOMPETENT_LINE = "个人不称职分数线"
    BASIC_LINE = "个人基本称职分数线"
    POOR_MONTHS = "不称职:较差月数"
    EXCELLENT_RATIO_PREFIX = "个人优秀比例:"    # + the section's annual 等次


# (参数, 值, 说明) written by `init`; the engine uses these values when a key is absent.
DEFAULT_INDIVIDUAL_PARAMS = (
    (IndividualParamKey.BASE, "100", "个人月度考核基础分"),
    (IndividualParamKey.BONUS_CAP, "5", "个人每月加分合计上限"),
    (IndividualParamKey.MONTHLY_GRADE_PREFIX + MonthlyGrade.GOOD, "95", "月度得分不低于此分为“好”"),
    (IndividualParamKey.MONTHLY_GRADE_PREFIX + MonthlyGrade.FAIR, "90", "月度得分不低于此分为“较好”"),
    (IndividualParamKey.MONTHLY_GRADE_PREFIX + MonthlyGrade.AVERAGE, "80",
     "月度得分不低于此分为“一般”,否则为“较差”"),
    (IndividualParamKey.INCOMPETENT_LINE, "60", "年度得分低于此分为“不称职”"),
    (IndividualParamKey.BASIC_LINE, "80", "年度得分低于此分为“基本称职”"),
    (IndividualParamKey.POOR_MONTHS, "3", "全年“较差”月数达到此数为“不称职”"),
    (IndividualParamKey.EXCELLENT_RATIO_PREFIX + Grade.EXCELLENT, "0.25",
     "科室年度等次为优秀时,个人优秀比例(名额向下取整)"),
    (IndividualParamKey.EXCELLENT_RATIO_PREFIX + Grade.PASS, "0.2",
     "科室年度等次为合格时,个人优秀比例(名额向下取整)"),
    (IndividualParamKey.EXCELLENT_RATIO_PREFIX + Grade.FAIL, "0.1",
     "科室年度等次为不合格时,个人优秀比例(名额向下取整)"),
)

INDIVIDUAL_RULES = {r.code: r for r in (
    Rule("P01", Level.ERROR, "人员不存在、不唯一或不属于该行的科室",
         "请填写“人员”表中的人员编号;填姓名时须在本科室(无科室列的表:全局)唯一。"),
    Rule("P02", Level.ERROR, "个人指标编号不是该人员的个人指标",
         "请填写“个人指标”表中该人员名下(且无错误)的个人指标编号。"),
    Rule("P03", Level.ERROR, "对应科室指标不是该人员所在科室的指标",
         "请填写本科室在“履职管理指标”或“重点指标”表中的指标编号。"),
    Rule("P04", Level.ERROR, "分值须为0.1的正整数倍,类型须为扣分或加分,状态须为有效或撤销",
         "请填写大于0、以0.1分为单位的分值,类型选“扣分”或“加分”,状态选“有效”或“撤销”(留空按有效计)。"),
    Rule("P05", Level.ERROR, "考核月份(年度)格式错误、不在本年度或不在该人员在岗期间",
         "考核月份请写成“2014-03”,年份须与参数“年度”一致,并在该人员的起始月份至截止月份之间。"),
    Rule("P06", Level.ERROR, "评定等次或确定等次不在规定的等次中",
         "月度评定等次请填好、较好、一般、较差(留空按得分自动评定);年度确定等次请填优秀、称职、基本称职、不称职。"),
    Rule("P07", Level.WARNING, "该月没有个人月度评定记录(按得分自动评定等次)",
         "请科室负责人在“个人月度评定”表中补录该人员该月的评定。"),
    Rule("P08", Level.WARNING, "优秀名额出现并列,或确定为优秀的人数超过名额",
         "请由领导研究确定,在“个人年度评定”表的“确定等次”中填写结果。"),
    Rule("P09", Level.ERROR, "同一人员同一月份(年度)有多条评定记录",
         "每人每月只保留一条月度评定、每人每年只保留一条年度评定,请删除多余的行。"),
    Rule("P10", Level.WARNING, "个人指标已被使用但审核状态不是已审核",
         "请分管局长审核后将个人指标的审核状态改为“已审核”(第六条)。"),
    Rule("P11", Level.ERROR, "人员编号重复、科室不存在、状态或起始/截止月份格式错误",
         "人员编号须唯一,科室须为“科室”表中的科室,状态填在岗或离岗,月份请写成“2014-03”(起始不晚于截止)。"),
)}
RULES.update(INDIVIDUAL_RULES)

# Input sheets read when present (recalc, annex, the ribbon); never required.
OPTIONAL_INPUT_SHEETS = OPTIONAL_INPUT_SHEETS + INDIVIDUAL_SHEETS


# --- individual sheets in section workbooks (SPEC 8 "Need to know", issue 10 item 7) ---
# A section's distributed workbook carries its own staff only: 人员 locked (the
# staff list is the office's), 个人指标 as editable drafts (新增 rows allowed,
# 科室 and 审核状态 set on merge, content changes of an approved one send it
# back to 草拟), 个人扣加分 and 个人月度评定 of the period's months, and
# 个人年度评定 for the year and for Q4 (the year's last quarterly return).

class PersonalBook:
    """Which columns of the individual sheets a section may fill."""
    SHEETS = (Staff.SHEET, PersonalIndicators.SHEET, PersonalRecords.SHEET,
              MonthlyReviews.SHEET, AnnualReviews.SHEET)
    # unlocked columns of the rows the section already has; the others
    # (人员, 个人指标编号, 考核月份, 类型, 年度) identify the row and stay locked
    INDICATOR_INPUTS = (PersonalIndicators.NAME, PersonalIndicators.SECTION_INDICATOR,
                        PersonalIndicators.CONTENT, PersonalIndicators.STANDARD)
    INDICATOR_NEW = (PersonalIndicators.PERSON, PersonalIndicators.ID) + INDICATOR_INPUTS
    INDICATOR_REQUIRED = (PersonalIndicators.PERSON, PersonalIndicators.ID,
                          PersonalIndicators.NAME, PersonalIndicators.SECTION_INDICATOR)
    RECORD_INPUTS = (PersonalRecords.POINTS, PersonalRecords.REASON, PersonalRecords.RECORDER,
                     PersonalRecords.STATUS)
    RECORD_NEW = PersonalRecords.COLUMNS
    RECORD_REQUIRED = (PersonalRecords.MONTH, PersonalRecords.PERSON, PersonalRecords.INDICATOR,
                       PersonalRecords.KIND, PersonalRecords.POINTS, PersonalRecords.REASON)
    REVIEW_INPUTS = (MonthlyReviews.GRADE, MonthlyReviews.COMMENT, MonthlyReviews.REVIEWER)
    REVIEW_NEW = MonthlyReviews.COLUMNS
    REVIEW_REQUIRED = (MonthlyReviews.MONTH, MonthlyReviews.PERSON)
    ANNUAL_INPUTS = (AnnualReviews.DECIDED, AnnualReviews.NOTE)
    ANNUAL_NEW = AnnualReviews.COLUMNS
    ANNUAL_REQUIRED = (AnnualReviews.YEAR, AnnualReviews.PERSON)
    # 回收记录.类型 of a return's individual part: one more row beside the 科室填报
    # row when a merged return carried the individual sheets (`status`, SPEC 8:
    # due by the 5th of the month after each quarter).
    RETURN_KIND = "个人考核"
