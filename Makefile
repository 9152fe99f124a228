PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: venv demo test bench gym lint clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,gym]'
	touch $@

# Train a small reasoner on training-split rules, then compile held-out tasks and print
# the evaluation table (neural vs symbolic). ~2-3 minutes on 2 cores after install.
demo: venv
	$(PY) -m experiments.train train=demo eval=demo

test: venv
	$(PY) -m pytest tests

# Speed figures side by side in one run (medians of 5); writes bench.json. ~3 min.
# reasoning-gym's game_of_life through our pipeline, scored by its own scorer.
gym: venv
	$(PY) -m experiments.gym

bench: venv
	$(PY) -m experiments.bench --reps 5 --out bench.json

lint: venv
	$(PY) -m ruff check compiler reasoner tasks experiments tests

clean:
	rm -rf runs outputs multirun .pytest_cache
