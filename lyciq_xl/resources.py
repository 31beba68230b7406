"""Where the tool's non-Python sources live: the top-level `templates/`
(jinja2: print/HTML/e-mail), `macros/` (VBA and ribbon XML) and `workbook/`
of a checkout (`pip install -e .`, as `make` does). An installed wheel
carries the templates to <prefix>/share/lyciq-xl/templates (pyproject's
data-files); building the add-in and the sample needs a checkout."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MACROS = ROOT / "macros"
WORKBOOK_DIR = ROOT / "workbook"


def _templates() -> Path:
    checkout = ROOT / "templates"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "lyciq-xl" / "templates"


TEMPLATES = _templates()
