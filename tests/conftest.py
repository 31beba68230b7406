"""Shared fixtures. XLWINGS_LICENSE_KEY must be set before xlwings is first
imported anywhere in the test session (xlwings PRO, noncommercial use)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


@pytest.fixture(scope="session")
def sample_master(tmp_path_factory) -> Path:
    """The full sample master workbook, built once per test session.
    Read-only: copy it (see `sample_path`) before writing to it."""
    from lyciq_xl import sample
    path = tmp_path_factory.mktemp("sample") / "主工作簿.xlsx"
    sample.create(path)
    return path


@pytest.fixture
def sample_path(sample_master, tmp_path) -> Path:
    """A private copy of the sample master workbook for one test."""
    path = tmp_path / "sample" / sample_master.name
    path.parent.mkdir()
    path.write_bytes(sample_master.read_bytes())
    return path
