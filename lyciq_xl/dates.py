"""Dates as clerks type them into a cell.

Besides real Excel dates: 2014-03-05, 2014/3/5, 2014.03.05(.), 2014年3月5日,
20140305 (a number or text), 二〇一四年三月五日, each optionally followed by a
weekday (星期三, 周三, (周三)) and a time of day (10:30, 上午10:30). A weekday
that does not match the date makes the date unreadable rather than guessed.
A two-digit year (14.3.5) is refused: 14 could be 2014 or 1914, and the
clerk is asked for four digits.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

_SEP = r"\s*[-/.年]\s*"
_SEP2 = r"\s*[-/.月]\s*"
_END = r"\s*[日号.]?"
_CN_DIGIT = "〇○零一二三四五六七八九"
_CN_VALUE = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_WEEKDAY = r"(?:\s*\(?\s*(?:星期|周|礼拜)(?P<wd>[一二三四五六日天])\s*\)?)?"
_TIME = (r"(?:(?:\s+|\s*T\s*|\s*(?=[上下中]午|早上|晚上))(?P<ampm>上午|下午|中午|早上|晚上)?\s*"
         r"(?P<hour>[01]?\d|2[0-3])[:时](?P<minute>[0-5]\d)分?(?::[0-5]\d(?:\.\d+)?)?)?")
_TAIL = _WEEKDAY + _TIME + _WEEKDAY.replace("wd", "wd2")

_DIGITS = re.compile(r"(?P<y>\d{4})" + _SEP + r"(?P<m>\d{1,2})" + _SEP2 + r"(?P<d>\d{1,2})" + _END + _TAIL)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})" + _TAIL)
_CHINESE = re.compile(rf"(?P<y>[{_CN_DIGIT}]{{4}})年(?P<m>[{_CN_DIGIT}十]{{1,3}})月"
                      rf"(?P<d>[{_CN_DIGIT}十]{{1,3}})[日号]" + _TAIL)
_TWO_DIGIT_YEAR = re.compile(r"(?P<y>\d{2})" + _SEP + r"\d{1,2}" + _SEP2 + r"\d{1,2}" + _END + r"(?:\s.*)?")
_WEEKDAYS = "一二三四五六日"
_ANY_WEEKDAY = re.compile(r"\(?\s*(?:星期|周|礼拜)[一二三四五六日天]\s*\)?")


def _chinese_number(text: str) -> int:
    """一 … 三十一 (month or day); digit by digit for a year (二〇一四)."""
    if "十" not in text:
        return int("".join(str(_CN_VALUE[ch]) for ch in text))
    tens, _, units = text.partition("十")
    return (_CN_VALUE[tens] if tens else 1) * 10 + (_CN_VALUE[units] if units else 0)


def _date_of(match: re.Match, chinese: bool = False) -> dt.date | None:
    number = _chinese_number if chinese else int
    try:
        day = dt.date(number(match["y"]), number(match["m"]), number(match["d"]))
    except (ValueError, KeyError):
        return None
    if match["ampm"] in ("下午", "晚上") and int(match["hour"]) > 12:
        return None                     # 下午15:00 says two different things
    weekday = match["wd"] or match["wd2"]
    if weekday is not None and _WEEKDAYS.index(weekday.replace("天", "日")) != day.weekday():
        return None
    return day


def _text(value: Any) -> str | None:
    if isinstance(value, Decimal):    # 20140305 typed as a number
        return str(value) if value == value.to_integral_value() and 19000101 <= value <= 29991231 else None
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip()
    return None


def parse_date(value: Any) -> dt.date | None:
    """A cell as a date, or None when blank or not readable as one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern, chinese in ((_DIGITS, False), (_COMPACT, False), (_CHINESE, True)):
        match = pattern.fullmatch(text)
        if match:
            return _date_of(match, chinese)
    return None


def date_problem(value: Any) -> str | None:
    """Why `value` is not a date, as the end of a Chinese message that
    starts with the quoted cell value; None for a blank cell."""
    text = _text(value)
    if value is None or text == "":
        return None
    if text and _TWO_DIGIT_YEAR.fullmatch(text):
        return "的年份只写了两位,无法确定是哪一年,请写四位年份,如2014-03-05"
    without_weekday = parse_date(_ANY_WEEKDAY.sub("", text or ""))
    if without_weekday is not None:
        return (f"中的星期与日期不符({without_weekday.isoformat()}是"
                f"星期{_WEEKDAYS[without_weekday.weekday()]}),请核对日期")
    return "无法识别为日期"
