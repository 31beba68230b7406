"""Feedback letters (考核结果反馈单) and year-on-year history (SPEC section 10)."""
