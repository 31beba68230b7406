"""explain(): the derivation a clerk reads out when a section appeals."""
import datetime as dt
from decimal import Decimal

from engine_fixtures import ballot, ded, key, tables
from lyciq_xl.engine import evaluate


def test_explain_shows_caps_trimming_and_grave_deduction():
    a = evaluate(tables(
        params=[["互评去掉最高最低分", "是"]],
        deductions=[ded("KF-9", "2014Q3", dt.date(2014, 8, 1), "办公室", "履职绩效", "LZ01", "F5-1",
                        "重大责任事故", 2),
                    ded("KF-8", "2014Q3", dt.date(2014, 8, 2), "办公室", "履职绩效", "LZ01", "BJ-1",
                        "作废记录", 1, "撤销")],
        key_tasks=[key("BGS", f"Z{i}", "t", 1.5) for i in range(1, 9)],          # 12 → cap 10
        peer=[ballot("2014", i, v, {"办公室": g}) for i, (v, g) in
              enumerate([("人事科", "满意"), ("综合科", "较满意"), ("轻纺科", "不满意")], 1)],
        bonuses=[["2014", "BGS", "国奖", "国家级", 3, None], ["2014", "BGS", "省奖", "省级", 2, None],
                 ["2014", "BGS", "市奖", "市级", 1, None]]))                      # 6 → cap 5
    e = a.explain("办公室")
    text = e.text()
    assert "记录号 KF-9" in text and "标准编号 F5-1" in text and "扣分 2" in text
    assert "KF-8" not in text                                    # revoked: not counted
    assert "基础分 40 − 扣分合计 2 = 38" in text
    assert "Σ 分值 × 完成系数 = 12,上限 10,得分 10(超过上限,按上限计)" in text
    # trimmed: 3 valid ballots, 1 and 0 dropped, 0.8 left: 15 × 0.8 = 12.00
    assert "有效票 3 张,去掉最高、最低各1票(1、0),计入 1 张,平均系数 0.8000 × 分值 15 = 12.00" in text
    assert "加分合计 6,上限 5,得分 5(超过上限,按上限计)" in text
    assert "不能评为优秀" in text and "KF-9" in text.splitlines()[-2]
    # 38 + 30 + 10 + 12.00 + 5 = 95, rank 1 but 合格 (附件5 重大)
    assert e.result.total == Decimal("95.00") and e.result.grade == "合格"
    assert "总分 95.00,行政管理科室排名第 1 名,等次:合格" in text
