"""Sample data of the individual part (个人绩效, SPEC section 8) for `init`:
fictitious staff of the 8 sections, their individual indicators broken
down from each section's own indicators, a year of monthly records and
reviews, and some decided annual grades.

Deliberate situations (tests/test_sample_individual.py checks them):
- 轻纺科: 陶文静 and 韦国栋 have the same records, tie for first place with
  a quota of 1 (P08); the leadership decided 优秀 for one of them.
- 检疫科: 鲁振东 has three months of 较差 (a person in trouble): 不称职;
  综合科: 夏志军 one 较差 month: 基本称职.
- 机关服务中心: 卜晓燕 joined in April; 保健中心: 严春华 left after August.
- Planted mistakes, marked "(示例:…)": P04, P02, P05, P06, P07, P10.
"""
from __future__ import annotations

from lyciq_xl import contract as c
from lyciq_xl.sample_data import INDICATORS, SECTION_PEOPLE, YEAR

# Per section: (姓名, 岗位, 职级); 人员编号 = 科室代码 + two digits.
STAFF = {
    "BGS": (("董明辉", "文秘", "主任科员"), ("范丽娜", "信息宣传", "副主任科员"),
            ("葛志远", "档案管理", "科员"), ("侯雪梅", "督查督办", "科员"),
            ("贾晓峰", "机要保密", "科员"), ("柯文婷", "综合协调", "科员")),
    "RSK": (("雷振华", "干部管理", "主任科员"), ("马晓丽", "教育培训", "副主任科员"),
            ("倪建平", "工资福利", "科员"), ("欧阳琳", "人事档案", "科员"),
            ("潘宏亮", "考核统计", "科员")),
    "ZHK": (("秦玉兰", "报检受理", "主任科员"), ("任海涛", "计收费", "副主任科员"),
            ("邵佳琪", "统计分析", "科员"), ("唐国庆", "通关单管理", "科员"),
            ("万丽君", "审单", "科员"), ("夏志军", "报检受理", "科员"),
            ("薛晓红", "计收费", "科员")),
    "JDHK": (("杨立伟", "机电检验", "主任科员"), ("尤春燕", "旧机电监管", "副主任科员"),
             ("曾德明", "化矿鉴定", "科员"), ("詹晓波", "取制样", "科员"),
             ("钟丽萍", "机电检验", "科员"), ("朱建新", "化矿鉴定", "科员"),
             ("卓雅琴", "出证", "科员")),
    "QFK": (("陶文静", "纺织品检验", "主任科员"), ("韦国栋", "轻工产品检验", "主任科员"),
            ("项丽华", "玩具检验", "科员"), ("姚明杰", "纺织品检验", "科员"),
            ("俞晓敏", "出证", "科员"), ("章志勇", "轻工产品检验", "科员")),
    "JYK": (("艾红梅", "动植物检疫", "主任科员"), ("包志刚", "卫生检疫", "副主任科员"),
            ("蔡丽娟", "疫情监测", "科员"), ("邓海波", "动植物检疫", "科员"),
            ("方晓静", "食品检验", "科员"), ("龚建华", "卫生检疫", "科员"),
            ("黄佳怡", "疫情监测", "科员"), ("鲁振东", "动植物检疫", "科员")),
    "FWZX": (("毛玉珍", "后勤保障", "主任科员"), ("聂文龙", "车辆管理", "科员"),
             ("彭丽霞", "财务", "科员"), ("邱志伟", "物业管理", "科员"),
             ("卜晓燕", "食堂管理", "科员")),
    "BJZX": (("石慧敏", "体检", "主任医师"), ("滕建军", "预防接种", "主治医师"),
             ("田晓雯", "咨询", "医师"), ("汪志豪", "检验", "技师"),
             ("吴雅丽", "体检", "医师"), ("严春华", "预防接种", "护师")),
}

JOINED = {"FWZX05": f"{YEAR}-04"}          # 起始月份
LEFT = {"BJZX06": f"{YEAR}-08"}            # 离岗, 截止月份
TIE = ("QFK01", "QFK02")                   # same records: a tie at the quota boundary
IN_TROUBLE = "JYK08"                       # three 较差 months
TROUBLE_MONTHS = (3, 4, 5)
ONE_POOR_MONTH = ("ZHK06", 9)              # graded 较差 by the head: 基本称职

REASONS = ("公文校对出现错别字", "报表迟报1天", "业务台账登记不完整", "例会迟到",
           "工作记录填写不规范", "资料归档不及时")
BONUS_REASON = "工作信息被辽宁局采用"

# 个人年度评定: 人员编号 -> (确定等次, 备注)
DECIDED = {
    "BGS01": (c.AnnualGrade.EXCELLENT, "经局党组研究确定"),
    "QFK01": (c.AnnualGrade.EXCELLENT, "同分并列,经局党组研究确定"),
    "QFK02": (c.AnnualGrade.COMPETENT, "同分并列,经局党组研究确定"),
    "JYK08": (c.AnnualGrade.INCOMPETENT, "经局党组研究确定"),
}

# Planted mistakes: one row each (SPEC 8 rules P02, P04, P05, P06, P07, P10).
PLANTED_P04 = ("ZHK03", 7, "0.25", "(示例:分值须以0.1分为单位)统计报表数据有误")
PLANTED_P02 = ("JDHK02", 5, "JDHK02-9", "(示例:个人指标编号有误)旧机电备案资料不全")
PLANTED_P05 = ("FWZX05", 2, "(示例:入职前的月份)食堂卫生检查不合格")
PLANTED_P06 = ("QFK04", 6, "良", "(示例:评定等次须为好、较好、一般、较差)")
PLANTED_P07 = ("RSK03", 7)                 # no 个人月度评定 row that month
PLANTED_P10 = "BJZX02-2"                   # a 草拟 individual indicator, used


def person_ids() -> list[tuple[str, str, int]]:
    """(科室代码, 人员编号, index in the section) in 人员 order."""
    return [(code, f"{code}{k + 1:02d}", k) for code, people in STAFF.items()
            for k in range(len(people))]


def months_in_post(pid: str) -> list[int]:
    first = int(JOINED[pid][-2:]) if pid in JOINED else 1
    last = int(LEFT[pid][-2:]) if pid in LEFT else 12
    return list(range(first, last + 1))


def staff_rows() -> list[list]:
    rows = []
    for code, pid, k in person_ids():
        name, post, rank = STAFF[code][k]
        status = c.StaffStatus.OFF if pid in LEFT else c.StaffStatus.ON
        rows.append([pid, name, code_name(code), post, rank, status, JOINED.get(pid), LEFT.get(pid)])
    return rows


def code_name(code: str) -> str:
    return {cd: name for cd, name, _s in c.DEFAULT_SECTIONS}[code]


def indicator_rows() -> list[list]:
    """Two per person: a share of one of the section's 履职 indicators, and
    of its first 管理 indicator."""
    rows = []
    for code, pid, k in person_ids():
        items = INDICATORS[code]
        duty = [i for i in items if i[1] == c.Category.DUTY]
        mgmt = [i for i in items if i[1] == c.Category.MANAGEMENT]
        name = STAFF[code][k][0]
        for n, item in ((1, duty[k % len(duty)]), (2, mgmt[0])):
            iid = f"{pid}-{n}"
            approval = c.Approval.DRAFT if iid == PLANTED_P10 else c.Approval.APPROVED
            rows.append([code_name(code), pid, iid, f"{item[2]}(个人)", f"{code}-{item[0]}",
                         f"承担本科室“{item[2]}”中分配给{name}的工作", "出现差错每次扣0.1–2分,"
                         "受表扬或信息被采用每次加0.5–2分", approval])
    return rows


def _records_of(code: str, pid: str, k: int) -> list[tuple[int, str, str, str, str]]:
    """(月份, 个人指标编号, 类型, 分值, 事由) of one person."""
    if pid == IN_TROUBLE:
        return [(m, f"{pid}-1", c.RecordKind.DEDUCT, "25", "检验差错被辽宁局通报")
                for m in TROUBLE_MONTHS]
    # Each section starts the pattern at another person, so that the sections
    # differ; in the tie's section the tied pair share the best pattern.
    offset = 0 if pid[:-2] == TIE[0][:-2] else list(STAFF).index(code)
    k = 0 if pid in TIE else (k + offset) % len(STAFF[code])
    post = months_in_post(pid)
    points = f"0.{k + 2}" if k < 8 else "1"
    out = [(post[(k + 4 * j) % len(post)], f"{pid}-1", c.RecordKind.DEDUCT, points,
            REASONS[(k + j) % len(REASONS)]) for j in range(3)]
    if k % 3 == 0:
        month = 6 if 6 in post else post[0]
        out.append((month, f"{pid}-2", c.RecordKind.BONUS, "1", BONUS_REASON))
    return sorted(out)


def record_rows() -> list[list]:
    """个人扣加分 in month order, 记录人 = the section head."""
    rows = []
    for code, pid, k in person_ids():
        head = SECTION_PEOPLE[code][1]
        for month, iid, kind, points, reason in _records_of(code, pid, k):
            rows.append([f"{YEAR}-{month:02d}", pid, iid, kind, points, reason, head, c.Status.VALID])
        if pid == PLANTED_P04[0]:
            _, month, points, reason = PLANTED_P04
            rows.append([f"{YEAR}-{month:02d}", pid, f"{pid}-1", c.RecordKind.DEDUCT, points, reason,
                         head, c.Status.VALID])
        if pid == PLANTED_P02[0]:
            _, month, iid, reason = PLANTED_P02
            rows.append([f"{YEAR}-{month:02d}", pid, iid, c.RecordKind.DEDUCT, "0.5", reason,
                         head, c.Status.VALID])
        if pid == PLANTED_P05[0]:
            _, month, reason = PLANTED_P05
            rows.append([f"{YEAR}-{month:02d}", pid, f"{pid}-1", c.RecordKind.DEDUCT, "0.5", reason,
                         head, c.Status.VALID])
        if f"{pid}-2" == PLANTED_P10:
            rows.append([f"{YEAR}-10", pid, PLANTED_P10, c.RecordKind.BONUS, "0.5",
                         "(示例:个人指标尚未审核)健康讲座受到好评", head, c.Status.VALID])
    return rows


def monthly_rows() -> list[list]:
    """One 个人月度评定 per person and month in post, month by month; the
    head's own grade only where it differs from the computed one."""
    rows = []
    for month in range(1, 13):
        for code, pid, _k in person_ids():
            if month not in months_in_post(pid) or (pid, month) == PLANTED_P07:
                continue
            head = SECTION_PEOPLE[code][1]
            grade, comment = None, None
            if pid == IN_TROUBLE and month in TROUBLE_MONTHS:
                grade, comment = c.MonthlyGrade.POOR, "检验差错被通报,已约谈"
            elif (pid, month) == ONE_POOR_MONTH:
                grade, comment = c.MonthlyGrade.POOR, "工作失误引起企业投诉"
            elif (pid, month) == PLANTED_P06[:2]:
                grade, comment = PLANTED_P06[2], PLANTED_P06[3]
            rows.append([f"{YEAR}-{month:02d}", pid, grade, comment, head])
    return rows


def annual_rows() -> list[list]:
    return [[str(YEAR), pid, grade, note] for pid, (grade, note) in DECIDED.items()]
