"""Sample content for `lyciq-xl init`: a fictitious but realistic year 2014.

Data only (no workbook code): names, reasons and grades written as a bureau
would. Section codes refer to contract.DEFAULT_SECTIONS; everything is
spelled in terms of the contract's enumerations where one exists.

The data is designed so that `recalc` on the sample exercises every rule of
the engine a clerk would meet in practice:
- deductions in 2014Q1..Q3, decimals (0.1 + 0.2), revoked rows;
- a Q1 tie in 业务管理科室 (综合科 and 轻纺科 both lose 0.5);
- 检疫科 ranks first in its series but has a 重大 annex-5 deduction, so it
  cannot be 优秀 (第二条 杜绝重大事故);
- 检疫科's 创优 bonuses (3 + 2 + 1) exceed the cap of 5;
- exactly five deliberate validation problems, each labelled “(示例:…)”:
  D03, D07, B02, K02 and A01 (rows marked “(示例:…)”; PLANTED_* below
  label the two that have no text column, as cell comments).
"""
from __future__ import annotations

import datetime as dt

from lyciq_xl.contract import (Approval, AssessmentKind, Category, KeySource, Severity,
                               StandardSource, Status)

D = dt.date
DUTY, MGMT = Category.DUTY, Category.MANAGEMENT
BOTH = f"{DUTY}、{MGMT}"  # 、 is one of contract.LIST_SEPARATORS
OK, DRAFT = Approval.APPROVED, Approval.DRAFT
A4, A5, OWN = StandardSource.ANNEX4, StandardSource.ANNEX5, StandardSource.BUREAU
MINOR, MAJOR, GRAVE = Severity.MINOR, Severity.MAJOR, Severity.GRAVE

# Assessing departments (考核责任部门, 第六条) — these are section names.
OFFICE, PERSONNEL, GENERAL = "办公室", "人事科", "综合科"

# --- 科室: code -> (分管局长, 科室负责人, 电子邮箱) -------------------------------
SECTION_PEOPLE = {
    "BGS": ("张志刚", "王丽华", "bgs@ly-ciq.example"),
    "RSK": ("张志刚", "赵建军", "rsk@ly-ciq.example"),
    "ZHK": ("刘宏伟", "孙海燕", "zhk@ly-ciq.example"),
    "JDHK": ("刘宏伟", "周强", "jdhk@ly-ciq.example"),
    "QFK": ("刘宏伟", "吴秀梅", "qfk@ly-ciq.example"),
    "JYK": ("陈立新", "郑伟", "jyk@ly-ciq.example"),
    "FWZX": ("张志刚", "冯德胜", "fwzx@ly-ciq.example"),
    "BJZX": ("陈立新", "何静", "bjzx@ly-ciq.example"),
}

# --- 指标框架: (绩效类别, 分项) -> (考核责任部门, 说明) -----------------------------
FRAMEWORK_NOTES = {
    (Category.DUTY, Category.DUTY): (
        OFFICE, "各科室专有的主体工作事项(第九条);扣分制,扣分不设下限,以0.1分为单位(第十一条)。"),
    (Category.MANAGEMENT, Category.MANAGEMENT): (
        f"{OFFICE}、{PERSONNEL}、{GENERAL}",
        "各科室共有的管理工作事项,如行政综合、人事、财务、党风廉政及行风建设等(第九条);扣分制。"),
    (Category.KEY, Category.KEY): (
        GENERAL, "辽宁局、地方政府和本局确定的专项工作;每项赋1.5、1或0.5分,按完成系数得分,合计不超过本项分值(第十条)。"),
    (Category.SERVICE, "相互评价"): (
        PERSONNEL, "各科室之间无记名投票互评,本科室对自己的评价不计入(第十二条)。"),
    (Category.SERVICE, "党组评价"): (
        PERSONNEL, "局党组成员无记名投票评价各科室(第十二条)。"),
    (Category.SERVICE, "地方政府评价"): (
        OFFICE, "只适用于业务管理科室;按地方政府行风评议得分率(0–100)折算(第十二条)。"),
    (Category.SERVICE, "企业评价"): (
        OFFICE, "只适用于业务管理科室;按行风评议中企业评价得分率(0–100)折算(第十二条)。"),
    (Category.EXCELLENCE, Category.EXCELLENCE): (
        PERSONNEL, "加分制:按获奖级别加分(参数“创优:…”),合计不超过本项分值(第十三条)。"),
}

# --- 扣分标准 (all labelled 示例: replace with the real annexes 4 and 5) ----------
# (标准编号, 来源, 类别, 等级, 情形, 最低扣分, 最高扣分, 适用绩效类别)
STANDARDS = (
    ("F4-01", A4, "示例:业务工作质量差错", MINOR,
     "(示例)检验检疫单证填写、审核出现一般性差错,经复核发现并纠正,未造成后果", "0.1", "0.5", DUTY),
    ("F4-02", A4, "示例:业务工作质量差错", MINOR,
     "(示例)报检受理、计收费或统计数据出现差错,经复核发现并纠正", "0.1", "0.5", DUTY),
    ("F4-03", A4, "示例:业务工作质量差错", MAJOR,
     "(示例)出具证书内容与检验检疫结果不符,造成证书重签或退证", "0.5", "2", DUTY),
    ("F4-04", A4, "示例:业务工作质量差错", MAJOR,
     "(示例)未按规定时限完成检验检疫或出证,造成企业有效投诉", "0.5", "2", DUTY),
    ("F5-01", A5, "示例:工作责任事故", MINOR,
     "(示例)因工作失职造成一般责任事故,未造成严重影响", "0.5", "2", BOTH),
    ("F5-02", A5, "示例:工作责任事故", MAJOR,
     "(示例)因工作失职造成较大责任事故,被上级机关通报批评", "2", "3", BOTH),
    ("F5-03", A5, "示例:工作责任事故", GRAVE,
     "(示例)因工作失职造成疫情疫病漏检、不合格货物放行等重大责任事故", "3", "5", BOTH),
    ("BJ-01", OWN, "示例:本局管理指标评分标准", MINOR,
     "(示例)公文办理、督办事项超过规定时限", "0.1", "0.3", MGMT),
    ("BJ-02", OWN, "示例:本局管理指标评分标准", MINOR,
     "(示例)未按时报送信息、报表、总结或报送内容有误", "0.1", "0.5", MGMT),
    ("BJ-03", OWN, "示例:本局管理指标评分标准", MINOR,
     "(示例)无故缺席或迟到局组织的会议、培训", "0.1", "0.3", MGMT),
    ("BJ-04", OWN, "示例:本局管理指标评分标准", MAJOR,
     "(示例)安全保密、党风廉政制度执行不到位,被督查通报", "0.5", "2", MGMT),
    ("BJ-05", OWN, "示例:本局履职指标评分标准", MINOR,
     "(示例)履职指标未按计划完成或完成质量不高", "0.1", "1", DUTY),
    ("BJ-06", OWN, "示例:本局管理指标评分标准", MINOR,
     "(示例)财务、资产、车辆管理不规范,检查中发现问题", "0.1", "0.5", MGMT),
)

# --- 履职管理指标 ---------------------------------------------------------------
# Per section: (编号后缀, 绩效类别, 指标名称, 指标内容, 评分标准, 考核方式, 考核周期,
# 考核责任部门, 审核状态). 编号 = 科室代码-后缀; 责任人 = 科室负责人.
_GL = (
    ("GL-01", MGMT, "行政综合管理",
     "按时办理公文、报送信息和报表,按要求参加会议和培训",
     "公文超时、报送迟误或缺席会议,按本局管理指标评分标准扣分", "日常检查", "季度", OFFICE, OK),
    ("GL-02", MGMT, "内部管理与党风廉政",
     "财务资产、安全保密、党风廉政及行风建设各项制度落实到位",
     "检查发现问题或被通报,按本局管理指标评分标准扣分", "专项检查", "季度", PERSONNEL, OK),
)
INDICATORS = {
    "BGS": (
        ("LZ-01", DUTY, "公文运转与督查督办", "公文登记、流转、归档及时准确;局党组决定事项督办到位",
         "公文差错或督办不到位每次扣0.1–0.5分", "日常检查", "季度", OFFICE, OK),
        ("LZ-02", DUTY, "政务信息与宣传", "全年向辽宁局报送政务信息不少于60篇,按时编发工作简报",
         "未完成季度进度扣0.1–1分", "季度考核", "季度", OFFICE, OK),
    ) + _GL,
    "RSK": (
        ("LZ-01", DUTY, "干部教育培训", "按年度培训计划组织业务培训,全员年度学时达标",
         "培训计划未按期落实扣0.1–1分", "季度考核", "季度", PERSONNEL, OK),
        ("LZ-02", DUTY, "工资福利与人事档案", "工资福利按时准确发放,人事档案管理规范",
         "出现差错每次扣0.1–0.5分", "日常检查", "季度", PERSONNEL, OK),
    ) + _GL,
    "ZHK": (
        ("LZ-01", DUTY, "报检受理与计收费", "报检受理、审单、计收费准确及时,执行收费标准",
         "按附件4业务工作质量差错扣分", "日常检查", "季度", GENERAL, OK),
        ("LZ-02", DUTY, "检验检疫统计与通关单管理", "统计数据准确,按时上报;通关单签发规范",
         "按附件4业务工作质量差错扣分", "季度考核", "季度", GENERAL, OK),
    ) + _GL,
    "JDHK": (
        ("LZ-01", DUTY, "进出口机电产品检验监管", "按规定实施机电产品、旧机电产品检验和监督管理",
         "按附件4业务工作质量差错扣分", "日常检查", "季度", GENERAL, OK),
        ("LZ-02", DUTY, "进出口化矿产品检验鉴定", "化矿产品取制样、检验鉴定及出证规范准确",
         "按附件4业务工作质量差错扣分", "日常检查", "季度", GENERAL, OK),
    ) + _GL,
    "QFK": (
        ("LZ-01", DUTY, "进出口纺织品服装检验监管", "纺织品服装检验监管到位,检验结果准确",
         "按附件4业务工作质量差错扣分", "日常检查", "季度", GENERAL, OK),
        ("LZ-02", DUTY, "出口玩具及轻工产品质量安全", "出口玩具、轻工产品企业监管和抽批检验到位",
         "按附件4业务工作质量差错扣分", "日常检查", "季度", GENERAL, OK),
        ("LZ-03", DUTY, "出口企业分类管理", "按新版分类管理办法完成辖区出口企业分类评定",
         "未按计划完成扣0.1–1分", "专项检查", "年度", GENERAL, DRAFT),
    ) + _GL,
    "JYK": (
        ("LZ-01", DUTY, "进出境动植物检疫", "进出境动植物及其产品检疫处理规范,疫情截获及时上报",
         "按附件4、附件5扣分", "日常检查", "季度", GENERAL, OK),
        ("LZ-02", DUTY, "木质包装及植物检疫监管", "进境货物木质包装检疫查验比例达标,有害生物截获处置到位",
         "按附件4、附件5扣分", "日常检查", "季度", GENERAL, OK),
    ) + _GL,
    "FWZX": (
        ("LZ-01", DUTY, "机关后勤保障", "办公用房、水电暖、食堂保障到位,安全无事故",
         "出现事故按附件5扣分,其他问题扣0.1–0.5分", "日常检查", "季度", OFFICE, OK),
        ("LZ-02", DUTY, "公务用车管理", "公务用车派车、维修、油耗登记规范",
         "管理不规范每次扣0.1–0.5分", "日常检查", "季度", OFFICE, OK),
    ) + _GL + (
        ("GL-03", MGMT, "节能降耗", "机关能耗较上年下降2%以上",
         "未达到目标扣0.1–0.5分", "年度考核", "年度", OFFICE, DRAFT),
    ),
    "BJZX": (
        ("LZ-01", DUTY, "出入境人员健康体检", "体检项目齐全、结果准确,按时出具证书",
         "按附件4业务工作质量差错扣分", "日常检查", "季度", GENERAL, OK),
        ("LZ-02", DUTY, "预防接种与传染病监测", "国际旅行预防接种规范,传染病监测数据按时上报",
         "出现差错每次扣0.1–0.5分", "日常检查", "季度", GENERAL, OK),
    ) + _GL,
}

# --- 重点指标: code -> rows of (后缀, 重点工作事项, 指标来源, 目标要求, 完成时限, 分值,
# 考核责任部门, 完成情况). 编号 = 科室代码-后缀; 责任领导/责任人 from SECTION_PEOPLE.
DONE, HALF, UNDONE = "完成", "基本完成", "未完成"
PROV, GOV, BUREAU = KeySource.PROVINCE, KeySource.LOCAL_GOV, KeySource.BUREAU
KEY_TASKS = {
    "BGS": (
        ("ZD-01", "推行电子公文系统", PROV, "年内实现公文网上流转率90%以上", D(2014, 12, 31), "1.5", GENERAL, DONE),
        ("ZD-02", "党的群众路线教育实践活动整改落实", BUREAU, "整改事项按期销号", D(2014, 10, 31), "1", PERSONNEL, DONE),
        ("ZD-03", "档案管理达标升级", BUREAU, "通过市档案局省一级档案管理复查", D(2014, 11, 30), "0.5", GENERAL, HALF),
    ),
    "RSK": (
        ("ZD-01", "全员岗位练兵与业务技能竞赛", PROV, "组织岗位练兵,参加辽宁局技能竞赛", D(2014, 10, 31), "1.5", GENERAL, DONE),
        ("ZD-02", "干部人事档案专项审核", PROV, "按辽宁局部署完成干部档案专项审核", D(2014, 12, 31), "1", GENERAL, HALF),
    ),
    "ZHK": (
        ("ZD-01", "推进通关作业无纸化", PROV, "电子报检率达到95%以上", D(2014, 12, 31), "1.5", OFFICE, DONE),
        ("ZD-02", "服务辽阳市外贸稳增长", GOV, "落实市政府稳增长措施,出口货物检验检疫提速", D(2014, 12, 31), "1", OFFICE, DONE),
        ("ZD-03", "检验检疫业务流程再造", BUREAU, "完成主要业务流程梳理并印发", D(2014, 9, 30), "1", OFFICE, UNDONE),
    ),
    "JDHK": (
        ("ZD-01", "进口旧机电产品风险监管", PROV, "建立进口旧机电产品风险分级监管台账", D(2014, 11, 30), "1.5", GENERAL, DONE),
        ("ZD-02", "辽阳石化产业出口产品质量提升", GOV, "帮扶重点出口企业通过质量体系认证", D(2014, 12, 31), "1", GENERAL, DONE),
        ("ZD-03", "化矿实验室能力验证", BUREAU, "参加能力验证结果满意", D(2014, 10, 31), "0.5", GENERAL, DONE),
    ),
    "QFK": (
        ("ZD-01", "出口纺织品质量安全示范区建设", GOV, "配合市政府申报示范区并通过考核", D(2014, 12, 31), "1", GENERAL, DONE),
        ("ZD-02", "出口玩具企业分类监管", PROV, "完成辖区玩具企业分类评定", D(2014, 11, 30), "1", GENERAL, HALF),
        # 完成情况 left blank on purpose: the planted K02 warning.
        ("ZD-03", "(示例:完成情况未填写)纺织品检测能力建设", BUREAU, "新增检测项目3项", D(2014, 12, 31), "0.5", GENERAL, None),
    ),
    "JYK": (
        ("ZD-01", "口岸疫情疫病防控", PROV, "防止重大动植物疫情传入,截获有害生物及时处置", D(2014, 12, 31), "1.5", GENERAL, DONE),
        ("ZD-02", "进境粮食检疫监管", PROV, "进境粮食加工企业监管全覆盖", D(2014, 12, 31), "1.5", GENERAL, DONE),
        ("ZD-03", "辽阳市出口农产品质量安全示范区", GOV, "协助市政府建成示范区", D(2014, 11, 30), "1", GENERAL, DONE),
        ("ZD-04", "林业有害生物监测点建设", BUREAU, "建成监测点2个并正常运行", D(2014, 9, 30), "0.5", GENERAL, DONE),
    ),
    "FWZX": (
        ("ZD-01", "公务用车制度改革准备", PROV, "完成车辆清查登记", D(2014, 12, 31), "1", OFFICE, DONE),
        ("ZD-02", "节约型机关建设", BUREAU, "水电消耗同比下降5%", D(2014, 12, 31), "0.5", OFFICE, HALF),
    ),
    "BJZX": (
        ("ZD-01", "埃博拉出血热口岸防控", PROV, "完成防控预案、培训和演练", D(2014, 10, 31), "1", GENERAL, DONE),
        ("ZD-02", "国际旅行健康咨询服务", BUREAU, "开通健康咨询热线并建立服务台账", D(2014, 8, 31), "1", GENERAL, DONE),
    ),
}

# --- 扣分记录 -----------------------------------------------------------------
# (考核期, 日期, 科室代码, 绩效类别, 指标编号, 标准编号, 事由, 扣分, 考核责任部门, 依据文号, 状态)
# 记录号 = 2014-NNN in order. Sums per section are worked out in tests/test_sample.py.
VALID, REVOKED = Status.VALID, Status.REVOKED
DEDUCTIONS = (
    # 2014Q1
    ("2014Q1", D(2014, 1, 15), "BGS", MGMT, "BGS-GL-01", "BJ-01", "辽阳检〔2014〕3号文件办理超过规定时限1天", "0.1", OFFICE, "绩效通报〔2014〕1号", VALID),
    ("2014Q1", D(2014, 2, 20), "BGS", MGMT, "BGS-GL-01", "BJ-01", "春节值班安排通知延迟下发", "0.2", OFFICE, "绩效通报〔2014〕1号", VALID),
    ("2014Q1", D(2014, 3, 5), "RSK", MGMT, "RSK-GL-01", "BJ-02", "2013年度干部统计年报迟报2天", "0.3", OFFICE, "绩效通报〔2014〕1号", VALID),
    ("2014Q1", D(2014, 2, 12), "ZHK", DUTY, "ZHK-LZ-01", "F4-01", "一批出口铝型材报检单货物名称与合同不符,审单未发现", "0.5", GENERAL, "绩效通报〔2014〕1号", VALID),
    ("2014Q1", D(2014, 1, 22), "QFK", DUTY, "QFK-LZ-01", "F4-02", "出口服装检验批次统计数据漏报1批", "0.2", GENERAL, "绩效通报〔2014〕1号", VALID),
    ("2014Q1", D(2014, 3, 18), "QFK", MGMT, "QFK-GL-01", "BJ-03", "无故缺席3月全局业务培训", "0.3", OFFICE, "绩效通报〔2014〕1号", VALID),
    ("2014Q1", D(2014, 3, 10), "JDHK", DUTY, "JDHK-LZ-02", "F4-03", "一份化矿产品品质证书重量数据有误,已重签", "1", GENERAL, "绩效通报〔2014〕1号", VALID),
    ("2014Q1", D(2014, 3, 25), "FWZX", MGMT, "FWZX-GL-02", "BJ-06", "固定资产台账与实物不符2项", "0.4", PERSONNEL, "绩效通报〔2014〕1号", VALID),
    ("2014Q1", D(2014, 2, 28), "JYK", DUTY, "JYK-LZ-01", "F4-01", "熏蒸处理记录填写不全(经复核不属差错,已撤销)", "0.3", GENERAL, "绩效通报〔2014〕1号", REVOKED),
    # 2014Q2
    ("2014Q2", D(2014, 5, 8), "BGS", DUTY, "BGS-LZ-02", "BJ-05", "一季度政务信息报送数量未达进度要求", "0.5", OFFICE, "绩效通报〔2014〕2号", VALID),
    ("2014Q2", D(2014, 4, 16), "RSK", DUTY, "RSK-LZ-01", "BJ-05", "二季度业务培训计划推迟实施", "0.3", OFFICE, "绩效通报〔2014〕2号", VALID),
    ("2014Q2", D(2014, 6, 10), "ZHK", MGMT, "ZHK-GL-01", "BJ-02", "5月检验检疫统计月报迟报1天", "0.1", OFFICE, "绩效通报〔2014〕2号", VALID),
    ("2014Q2", D(2014, 4, 25), "JDHK", MGMT, "JDHK-GL-01", "BJ-01", "辽宁局督办件回复超期", "0.2", OFFICE, "绩效通报〔2014〕2号", VALID),
    ("2014Q2", D(2014, 5, 20), "JYK", DUTY, "JYK-LZ-02", "F5-03", "进境木质包装漏检检疫性有害生物,被辽宁局通报", "3", GENERAL, "辽检通〔2014〕17号", VALID),
    ("2014Q2", D(2014, 6, 18), "BJZX", DUTY, "BJZX-LZ-01", "F4-02", "体检收费项目录入错误1例,已退费", "0.2", GENERAL, "绩效通报〔2014〕2号", VALID),
    ("2014Q2", D(2014, 5, 15), "QFK", DUTY, "QFK-LZ-03", "BJ-05", "(示例:使用未审核指标)出口企业分类评定进度滞后", "0.3", GENERAL, "绩效通报〔2014〕2号", VALID),
    ("2014Q2", D(2014, 4, 22), "ZHK", DUTY, "ZHK-LZ-02", "F4-01", "(示例:扣分超出标准范围)通关单签发信息录入错误", "0.8", GENERAL, "绩效通报〔2014〕2号", VALID),
    ("2014Q2", D(2014, 6, 5), "FWZX", MGMT, "FWZX-GL-01", "BJ-03", "缺席6月安全生产会议(已补假条,撤销)", "0.1", OFFICE, "绩效通报〔2014〕2号", REVOKED),
    # 2014Q3
    ("2014Q3", D(2014, 8, 12), "BGS", MGMT, "BGS-GL-02", "BJ-04", "保密检查发现涉密文件未按规定存放", "0.5", PERSONNEL, "绩效通报〔2014〕3号", VALID),
    ("2014Q3", D(2014, 7, 15), "RSK", MGMT, "RSK-GL-01", "BJ-02", "上半年工作总结迟报", "0.2", OFFICE, "绩效通报〔2014〕3号", VALID),
    ("2014Q3", D(2014, 9, 3), "ZHK", DUTY, "ZHK-LZ-01", "F4-04", "一批出口货物出证超过承诺时限,企业投诉", "1.5", GENERAL, "绩效通报〔2014〕3号", VALID),
    ("2014Q3", D(2014, 7, 30), "JDHK", DUTY, "JDHK-LZ-01", "F4-01", "旧机电产品检验记录缺少签字", "0.4", GENERAL, "绩效通报〔2014〕3号", VALID),
    ("2014Q3", D(2014, 8, 20), "QFK", MGMT, "QFK-GL-01", "BJ-01", "政务公开信息更新不及时", "0.1", OFFICE, "绩效通报〔2014〕3号", VALID),
    ("2014Q3", D(2014, 9, 12), "JYK", MGMT, "JYK-GL-01", "BJ-02", "三季度疫情截获报表数据有误", "0.2", OFFICE, "绩效通报〔2014〕3号", VALID),
    ("2014Q3", D(2014, 8, 8), "FWZX", DUTY, "FWZX-LZ-01", "F5-01", "食堂燃气管道维护不及时,造成短时停气", "1", OFFICE, "绩效通报〔2014〕3号", VALID),
    ("2014Q3", D(2014, 9, 22), "BJZX", MGMT, "BJZX-GL-02", "BJ-06", "疫苗出入库登记不规范", "0.3", PERSONNEL, "绩效通报〔2014〕3号", VALID),
    ("2014Q3", D(2014, 7, 10), "BJZX", DUTY, "RSK-LZ-01", "BJ-05", "(示例:指标编号不属于本科室)传染病监测月报迟报", "0.2", GENERAL, "绩效通报〔2014〕3号", VALID),
)

# --- 专项考核 (SPEC section 9): 事由 of a deduction above -> (考核类型, 专项名称) ---------
# Rows not listed are ordinary quarterly assessments (考核类型 left blank). These
# rows count like any other; explain and 考核结果通报 list them under their 专项名称.
SPECIAL = AssessmentKind.SPECIAL
SPECIAL_ASSESSMENTS = {
    "保密检查发现涉密文件未按规定存放": (SPECIAL, "保密专项检查"),
    "食堂燃气管道维护不及时,造成短时停气": (SPECIAL, "安全生产专项检查"),
    "缺席6月安全生产会议(已补假条,撤销)": (SPECIAL, "安全生产专项检查"),
    "固定资产台账与实物不符2项": (SPECIAL, "财务资产专项检查"),
}

# --- ballots -----------------------------------------------------------------
# One string per ballot: one character per section in DEFAULT_SECTIONS order
# (BGS RSK ZHK JDHK QFK JYK FWZX BJZX); "-" = blank (abstained / own section).
GRADE_CODES = {"满": "满意", "较": "较满意", "基": "基本满意", "不": "不满意", "-": None}
# (票号, 投票科室代码, grades)
PEER_BALLOTS = (
    ("HP-01", "BGS", "-满较满较满满较"),
    ("HP-02", "BGS", "-较满较满满较满"),
    ("HP-03", "RSK", "满-满较满较满基"),
    ("HP-04", "RSK", "较满满满较满较满"),  # planted B02: 人事科 grades itself
    ("HP-05", "ZHK", "满较-满满较满较"),
    ("HP-06", "ZHK", "较满-较满满基较"),
    ("HP-07", "JDHK", "满满满-较满较满"),
    ("HP-08", "JDHK", "较较满-满较满较"),
    ("HP-09", "QFK", "满较满满-满较满"),
    ("HP-10", "QFK", "满满较较-满满较"),
    ("HP-11", "JYK", "较满满满满-满较"),
    ("HP-12", "JYK", "满较较满较-较满"),
    ("HP-13", "FWZX", "满满较较满满-满"),
    ("HP-14", "FWZX", "较满满满较满-较"),
    ("HP-15", "BJZX", "满较满满满较满-"),
    ("HP-16", "BJZX", "较满较满较满基-"),
)
PARTY_BALLOTS = (
    ("DZ-01", "满满较满满满较满"),
    ("DZ-02", "较满满较满满满较"),
    ("DZ-03", "满较满满较满较满"),
    ("DZ-04", "满满较较满较满满"),
    ("DZ-05", "较满满满满满基较"),
)

# --- 外部评价 (业务管理科室 only): code -> (地方政府评价, 企业评价) -----------------
EXTERNAL = {
    "ZHK": ("92", "88"),
    "JDHK": ("90", "91.5"),
    "QFK": ("86", "90"),
    "JYK": ("95", "93"),
}

# --- 创优加分: (考核期, 科室代码, 事项, 级别, 加分, 依据文号) -----------------------
BONUSES = (
    ("2014Q2", "BGS", "全省检验检疫系统政务信息工作先进单位", "省级", "2", "辽检办〔2014〕45号"),
    ("2014Q1", "QFK", "本局合理化建议一等奖", "局级", "0.5", "辽阳检〔2014〕21号"),
    ("2014Q3", "ZHK", "辽阳市优化经济发展软环境先进集体", "市级", "1", "辽阳市〔2014〕88号"),
    ("2014Q3", "JYK", "全国检验检疫系统口岸疫情疫病防控先进集体", "国家级", "3", "质检〔2014〕102号"),
    ("2014", "JYK", "全省检验检疫系统有害生物截获先进科室", "省级", "2", "辽检人〔2014〕60号"),
    ("2014Q2", "JYK", "辽阳市青年文明号", "市级", "1", "辽阳团〔2014〕12号"),
    ("2014", "BJZX", "辽阳市卫生应急工作先进单位", "市级", "1", "辽阳卫〔2014〕33号"),
)

# Cell comments that label the planted problems on sheets without a text
# column: (sheet marker, 票号 or 指标编号) -> comment.
PLANTED_B02 = ("HP-04", "RSK", "(示例:本科室给自己投票,此格不计入,校验结果中显示B02)")
PLANTED_K02 = ("QFK-ZD-03", "(示例:完成情况未填写,按0分计,校验结果中显示K02)")

# 参数 defaults not spelled in the contract (SPEC section 5 names them).
ORG_NAME = "辽阳出入境检验检疫局"
YEAR = 2014
