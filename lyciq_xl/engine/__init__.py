"""The heart of lyciq-xl: validation, scoring and explanation.

Pure functions — Tables in, results and findings out; no file I/O, no
xlwings, no openpyxl in this package.

    from lyciq_xl.engine import evaluate, owned_sheets, to_json
    assessment = evaluate(read_tables(path))
"""
from lyciq_xl.engine.assessment import Assessment, evaluate
from lyciq_xl.engine.explain import Explanation, explain, render_explanation
from lyciq_xl.engine.findings import Finding
from lyciq_xl.engine.scoring import KeyTaskScore, ResultRow, ServiceRow
from lyciq_xl.engine.sheets import owned_sheets, to_json

__all__ = ["Assessment", "evaluate", "Explanation", "explain", "render_explanation",
           "Finding", "KeyTaskScore", "ResultRow", "ServiceRow", "owned_sheets", "to_json"]
