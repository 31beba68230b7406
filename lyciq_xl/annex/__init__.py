"""Printable annexes: 附件1 framework, 附件2 履职/管理 indicators, 附件3 key
indicators, and the 考核结果通报 results report — as .xlsx (openpyxl), PDF
(LibreOffice) and HTML (jinja2). Generators return `layout.Document`s or
openpyxl Workbooks; `cli.run` is the thin command-line layer."""
