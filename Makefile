# Two entry points that work on a fresh Debian/Ubuntu machine (root or sudo):
#   make demo   set up, build a sample master workbook, recalculate, print annexes
#   make test   set up, run the whole test suite
#   make lint   ruff and mypy
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO := demo-out

.PHONY: setup system-deps demo test lint bench clean

system-deps:
	bash .ci/system-deps

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,lint]'
	touch $@

setup: system-deps $(VENV)/.installed

# What a section head does in the returned workbook (make demo): a 评语 on the
# first 个人月度评定 row and a new 个人扣加分 row in the first blank yellow row.
define DEMO_FILL
import sys, pathlib
from openpyxl import load_workbook
wb = load_workbook(sys.argv[1])
wb["个人月度评定"]["D2"] = "工作认真(演示:科室负责人填写)"
ws = wb["个人扣加分"]
row = next(r for r in range(2, ws.max_row + 2) if ws.cell(r, 1).value is None)
for col, value in enumerate(("2014-09", "BGS02", "BGS02-1", "加分", 1, "(演示)信息被辽宁局采用"), 1):
    ws.cell(row, col).value = value
pathlib.Path(sys.argv[2]).parent.mkdir(parents=True, exist_ok=True)
wb.save(sys.argv[2])
endef
export DEMO_FILL

demo: setup
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(VENV)/bin/lyciq-xl init $(DEMO)/主工作簿.xlsx
	@# exit 1 = done with validation errors: the sample plants some on purpose
	$(VENV)/bin/lyciq-xl recalc $(DEMO)/主工作簿.xlsx || test $$? -eq 1
	$(VENV)/bin/lyciq-xl explain $(DEMO)/主工作簿.xlsx 检疫科
	$(VENV)/bin/lyciq-xl explain $(DEMO)/主工作簿.xlsx BGS01
	$(VENV)/bin/lyciq-xl annex $(DEMO)/主工作簿.xlsx --out $(DEMO)/附件 --pdf --html
	$(VENV)/bin/lyciq-xl archive $(DEMO)/主工作簿.xlsx --out $(DEMO)/个人档案 --dept 办公室 --pdf
	$(VENV)/bin/lyciq-xl distribute $(DEMO)/主工作簿.xlsx --out $(DEMO)/分发 --period 2014Q3
	$(VENV)/bin/lyciq-xl distribute $(DEMO)/主工作簿.xlsx --assessors --out $(DEMO)/考核分发 --period 2014Q3
	@# the distributed files sent straight back: collect says each is unfilled (exit 1) and merges nothing
	$(VENV)/bin/lyciq-xl collect $(DEMO)/主工作簿.xlsx $(DEMO)/分发/办公室_2014Q3_绩效填报.xlsx --receipts $(DEMO)/回执 || test $$? -eq 1
	@# an assessing department's workbook sent back with nothing filled: accepted as 本期无扣分 (returned)
	$(VENV)/bin/lyciq-xl collect $(DEMO)/主工作簿.xlsx $(DEMO)/考核分发/综合科_2014Q3_考核填报.xlsx --receipts $(DEMO)/回执
	@# 办公室 fills its individual sheets (a 评语 and a new 加分 row) and returns the file: merged
	$(PY) -c "$$DEMO_FILL" $(DEMO)/分发/办公室_2014Q3_绩效填报.xlsx $(DEMO)/回收/办公室_2014Q3_绩效填报.xlsx
	$(VENV)/bin/lyciq-xl collect $(DEMO)/主工作簿.xlsx $(DEMO)/回收 --receipts $(DEMO)/回执
	$(VENV)/bin/lyciq-xl status $(DEMO)/主工作簿.xlsx --period 2014Q3
	$(VENV)/bin/lyciq-xl feedback $(DEMO)/主工作簿.xlsx --out $(DEMO)/反馈单 --period 2014 --pdf --eml
	$(VENV)/bin/lyciq-xl history $(DEMO)/主工作簿.xlsx --out $(DEMO)/历年对比
	@echo "演示结果在 $(DEMO)/ 下:主工作簿.xlsx、附件/、个人档案/、分发/、考核分发/、回收/、回执/、反馈单/、历年对比/"

test: setup
	XLWINGS_LICENSE_KEY=noncommercial $(PY) -m pytest -q

# ruff (lint + import order) on the whole repository, mypy on the package;
# both configured in pyproject.toml (which modules are strict).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy lyciq_xl

bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO) bench/.data
