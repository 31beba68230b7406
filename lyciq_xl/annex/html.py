"""HTML versions of the annexes from jinja2 templates in templates/ (print
CSS: @page A4, header row repeated through <thead>)."""
from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from lyciq_xl.annex.document import Document
from lyciq_xl.resources import TEMPLATES


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)),
                       autoescape=select_autoescape(("html", "j2")),
                       trim_blocks=True, lstrip_blocks=True)


def render(doc: Document, template: str, **extra) -> str:
    """`template` e.g. "annex2.html.j2"; text in cells is escaped."""
    return environment().get_template(template).render(doc=doc, **extra)
