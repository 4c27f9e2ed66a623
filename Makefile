# Two entry points, each doing the whole set-up on a fresh Debian machine (as root):
#   make run    set up, then count the regions of the bundled example
#   make test   set up, then run the test suite
#   make docs   set up, then build the documentation (docs/_build/html); any Sphinx warning fails it
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CDD_HEADER := /usr/include/cddlib/cdd.h

.PHONY: run test docs bench setup clean

run: setup
	$(VENV)/bin/regionscope count examples/networks/small_relu.json --per-layer
	$(VENV)/bin/regionscope count examples/networks/small_relu.json --domain box:-1,1 --per-layer

test: setup
	$(PY) -m pytest

docs: setup
	$(PY) -m sphinx -E -W --keep-going -q -b html docs docs/_build/html

bench: setup
	$(PY) benchmarks/bench_arrangement.py
	$(PY) benchmarks/bench_engine.py

setup: $(STAMP)

$(CDD_HEADER):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y libcdd-dev libgmp-dev; \
	else \
	  echo "libcdd-dev is missing: run 'apt-get install libcdd-dev libgmp-dev' as root" >&2; exit 1; \
	fi

$(STAMP): pyproject.toml $(CDD_HEADER)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[torch,onnx,dask,plot,dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info docs/_build
