"""Calibration of the posterior's answers (`experiment=calibration`): are the probabilities
that K drafts drawn from the posterior give (logic: `compiler.proposer=posterior`) the
frequencies with which the atoms come out true, and how do precision and coverage move
with K?

Per job (one task family and seed) the largest K is drawn once per task and every smaller
K reads a prefix. Per asked unit: P(true) = the share of the K drafts that derive it, 1 or
0 where the exact version space decides (within `CEILING_TIMEOUT_S` per task), as `solve`
answers. For every (K, commit share):
- three-valued answers (the vote at that commit share, the version space's values where
  it decides) scored against the task's key: `coverage`, `precision`, `right` (as the
  undetermined preset: `undetermined` right only where the key says so);
- calibration against what the hidden rule set actually gives at the query (true or
  false): each unit's prediction is its likelier value, with confidence max(p, 1 - p);
  `ece` is the expected calibration error over `BINS` equal-width confidence bins on
  [0.5, 1], and per bin `bin{i}_n`, `bin{i}_right`, `bin{i}_confidence` (sums, so jobs
  pool by adding) make the reliability table.
Also `seconds_median` (drafting, per task) and `ceiling_seconds_median`. The preset needs
a domain with the `VersionSpace` capability (logic).
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from omegaconf import DictConfig

from compiler import propose_key
from compiler.domain import VersionSpace
from experiments.core.config import ConfigError, compiler_config, domain_of
from experiments.presets.common import job_key, query_tasks
from experiments.presets.undetermined import ceiling_answers, pooled

CEILING_TIMEOUT_S = 10.0  # solve's exact_seconds default
BINS = 5  # confidence bins of width 0.1 on [0.5, 1]


def run(cfg: DictConfig, job_dir) -> list[dict]:
    domain, _ = domain_of(cfg)
    if not isinstance(domain, VersionSpace):
        raise ConfigError(f"experiment=calibration needs a domain whose demos' version space "
                          f"answers a query (VersionSpace); {domain.name} has none")
    config = replace(compiler_config(cfg), selector="vote")
    tasks = query_tasks(cfg)
    ks = sorted(cfg.experiment.num_drafts)
    seconds, outputs, actual = [], [], []
    for t in tasks:
        started = time.perf_counter()
        drafts, _ = domain.proposer(config.proposer)(propose_key(job_key(cfg, t.task_id, 0)), t.demos,
                                                     ks[-1], replace(config, num_drafts=ks[-1]))
        seconds.append(time.perf_counter() - started)
        # per query: every draft's answer [K, ...] and the truth's
        outputs.append([np.asarray(domain.run_batch(drafts, np.repeat(q.input[None], len(drafts), 0),
                                                    q.horizon)) for q in t.queries])
        actual.append([domain.reads_true(np.asarray(domain.run_batch(t.rule[None], q.input[None],
                                                                     q.horizon))[0])
                       for q in t.queries])
    # the version space's answers (a task past the time limit: all undetermined, so none
    # of its values stands)
    ceilings, ceiling_seconds, timeouts = ceiling_answers(domain, tasks, "all", CEILING_TIMEOUT_S)
    rows = []
    for k in ks:
        for commit in cfg.experiment.commits:
            metrics = score(domain, tasks, outputs, ceilings, actual, k, float(commit))
            metrics.update(seconds_median=float(np.median(seconds)),
                           ceiling_seconds_median=float(np.median(ceiling_seconds)),
                           ceiling_timeouts=float(timeouts))
            rows.append({"condition": {"proposer": config.proposer, "num_drafts": k,
                                       "commit": float(commit)}, "metrics": metrics})
    return rows


def score(domain, tasks, outputs, ceilings, actual, k: int, commit: float) -> dict:
    """The metrics of the module docstring over every asked unit of the job, at the first
    `k` drafts and commit share `commit`."""
    preds, conf, hit = [], [], []
    for t, outs, exact, truth in zip(tasks, outputs, ceilings, actual, strict=True):
        preds.append([])
        for j, q in enumerate(t.queries):
            votes = outs[j][:k]
            pred = domain.combine(votes[None], np.ones((1, len(votes))), commit)[0]
            preds[-1].append(domain.with_exact(pred, exact[j]))
            scored = domain.scored(q.answer)
            p = domain.true_probability(votes, exact[j])[scored]
            conf.append(np.maximum(p, 1 - p))
            hit.append((p >= 0.5) == truth[j][scored])
    return {**pooled(domain, tasks, preds), **reliability(np.concatenate(conf), np.concatenate(hit))}


def reliability(confidence: np.ndarray, right: np.ndarray) -> dict:
    """`ece` and per bin `bin{i}_n`, `bin{i}_right`, `bin{i}_confidence` (sums)."""
    edges = np.linspace(0.5, 1.0, BINS + 1)
    which = np.clip(np.searchsorted(edges, confidence, side="right") - 1, 0, BINS - 1)
    out, ece = {}, 0.0
    for i in range(BINS):
        inside = which == i
        n = int(inside.sum())
        out[f"bin{i}_n"] = float(n)
        out[f"bin{i}_right"] = float(right[inside].sum())
        out[f"bin{i}_confidence"] = float(confidence[inside].sum())
        if n:
            ece += n * abs(right[inside].mean() - confidence[inside].mean())
    out["ece"] = ece / max(len(confidence), 1)
    return out
