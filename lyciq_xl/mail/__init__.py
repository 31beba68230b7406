"""Distribute per-section workbooks, e-mail them, collect them back safely.

split      build one section's workbook from scratch (need to know)
integrity  identity + HMAC over the locked content (custom document properties)
message    the e-mail (jinja2 templates) with the workbook attached
send       SMTP / .eml, with a send log so a re-run sends only what did not go
untrusted  open a returned file without trusting anything in it
collect    verify, diff, merge into the master, receipts (回执)
status     who was sent what, who returned, on time or not
"""
