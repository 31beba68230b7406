"""Where the tool's non-Python sources live: the top-level `templates/`
(jinja2: print/HTML/e-mail) and `macros/` (VBA and ribbon XML) of the
checkout the package is installed from (`pip install -e .`, as `make` does)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
MACROS = ROOT / "macros"
WORKBOOK_DIR = ROOT / "workbook"
