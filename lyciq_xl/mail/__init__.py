"""Distribute per-section workbooks, e-mail them, collect them back safely.

split      build one section's workbook from scratch (need to know)
integrity  identity + HMAC over the locked content and the base (custom document properties)
message    the e-mail (jinja2 templates) with the workbook attached
send       SMTP / .eml, with a send log so a re-run sends only what did not go
inbox      the files handed to collect: folders, .eml messages, attachment names
untrusted  open a returned workbook without trusting anything in it
verify     identity and HMAC of a returned workbook
merge      the three-way merge of a verified workbook into the master
personal   which staff and individual rows are a section's own (SPEC 8), how they are offered
personal_merge  the individual sheets merged back: three-way, own staff only, P rules
collect    the run: verify each file, merge in save order, owned sheets, the file runner
receipts   the 回执 per returned file, never overwritten
status     who was sent what, who returned, on time or not
"""
