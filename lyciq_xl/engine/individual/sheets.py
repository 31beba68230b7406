"""The owned sheet 个人考核结果 and the JSON of the individual part."""
from __future__ import annotations

from typing import Any

from lyciq_xl.contract import PersonalResults
from lyciq_xl.engine.individual.scoring import IndividualAssessment
from lyciq_xl.owned import OwnedSheet

SCORE_FORMAT = "0.00"


def personal_results_rows(ind: IndividualAssessment) -> list[list[Any]]:
    """Per person (sections in sheet order, people in 人员 order): one row per
    counted month, then the annual row."""
    rows: list[list[Any]] = []
    for p in ind.people:
        who = [p.person.id, p.person.name, p.section.name]
        for m in p.months:
            rows.append([f"{ind.year}-{m.month:02d}", *who, ind.settings.base, m.deducted,
                         m.bonus, m.score, m.grade, None, None, m.pending])
        rows.append([str(ind.year), *who, None, p.deducted, p.bonus, p.score, p.proposed,
                     p.decided, p.rank, p.pending])
    return rows


def personal_results_sheet(ind: IndividualAssessment) -> OwnedSheet:
    P = PersonalResults
    scores = (P.BASE, P.DEDUCTED, P.BONUS, P.SCORE)
    widths: dict[str, float] = {P.PERIOD: 10, P.ID: 11, P.NAME: 10, P.DEPT: 14, P.GRADE: 10,
                                P.DECIDED: 10, P.RANK: 11, P.PENDING: 7, **{h: 9 for h in scores}}
    return OwnedSheet(P.SHEET, P.COLUMNS, personal_results_rows(ind),
                      {h: SCORE_FORMAT for h in scores}, widths)
