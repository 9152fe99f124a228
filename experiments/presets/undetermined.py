"""Honest `undetermined`: precision and coverage of the vote's committed answers vs K, with
and without the simplicity prior, at several commit shares, beside the exact ceiling.

Per job (one demo setting and seed), for each proposer in `experiment.proposers` the
largest K is proposed once per task and every smaller K selects among a prefix (as in
`drafts`); every (K, prior, commit) in `experiment.num_drafts x experiment.priors x
experiment.commits` then answers the same queries with the symbolic reasoner. Pooled over
the job's asked atoms: `coverage` (share committed to a value), `precision` (share of those
right) and `right` (share of atoms whose three-valued answer is right: `undetermined`
counts as right only where the truth is undetermined, as in causal tasks). With
`experiment.ceiling`, the demos' exact version space answers too (`answerer=version_space`,
with its seconds per task), in every reading the domain declares for the tasks
(`VersionSpace.version_space_readings`; logic's causal tasks: also over present-object
bodies only, `version_space_positive`). The preset needs a domain with the `VersionSpace`
capability (logic).
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from omegaconf import DictConfig

from compiler import check_and_select
from compiler.domain import VersionSpace
from compiler.pipeline import prior_weights
from experiments.core.config import ConfigError, compiler_config, domain_of
from experiments.evaluation.queries import symbolic
from experiments.presets.common import batched_answers, job_key, query_tasks
from experiments.presets.drafts import largest_drafts

CEILING_TIMEOUT_S = 120  # per task; a task past it counts every answer `undetermined`


def run(cfg: DictConfig, job_dir) -> list[dict]:
    domain, _ = domain_of(cfg)
    if not isinstance(domain, VersionSpace):
        raise ConfigError(f"experiment=undetermined needs a domain whose demos' version space "
                          f"answers a query (VersionSpace); {domain.name} has none")
    base = compiler_config(cfg)
    tasks = query_tasks(cfg)
    reasoner = symbolic(cfg)
    e = cfg.experiment
    ks = sorted(e.num_drafts)
    rows = []
    for proposer in e.proposers:
        config = replace(base, proposer=proposer, selector="vote")
        largest = largest_drafts(cfg, domain, config, tasks, ks[-1])
        for k in ks:
            compiled = [check_and_select(domain, drafts[:k], t.demos, job_key(cfg, t.task_id, 1),
                                         replace(config, num_drafts=k), info)
                        for (drafts, info), t in zip(largest, tasks, strict=True)]
            for prior in e.priors:
                weighted = [replace(c, weights=prior_weights(domain, c.drafts, replace(config, prior=prior)))
                            for c in compiled]
                for commit in e.commits:
                    voters = [replace(c, commit=float(commit)).voters for c in weighted]
                    rows.append({"condition": {"proposer": proposer, "num_drafts": k,
                                               "answerer": "vote", "prior": prior,
                                               "commit": float(commit)},
                                 "metrics": pooled(domain, tasks, batched_answers(reasoner, tasks, voters))})
    if e.ceiling:
        for reading in domain.version_space_readings(cfg.task):
            name = "version_space" if reading == "all" else f"version_space_{reading}"
            preds, seconds, timeouts = ceiling_answers(domain, tasks, reading)
            rows.append({"condition": {"proposer": name, "num_drafts": 0, "answerer": name,
                                       "prior": "none", "commit": 1.0},
                         "metrics": {**pooled(domain, tasks, preds),
                                     "seconds_median": float(np.median(seconds)),
                                     "seconds_max": float(np.max(seconds)),
                                     "timeouts": float(timeouts)}})
    return rows


def ceiling_answers(domain: VersionSpace, tasks, reading: str, timeout_s: float = CEILING_TIMEOUT_S):
    """Per task the version space's answers in `reading` (past `timeout_s`: every answer
    undetermined), its seconds, and how many tasks timed out."""
    preds, seconds, timeouts = [], [], 0
    for t in tasks:
        states = np.stack([q.input for q in t.queries])
        started = time.perf_counter()
        out, timed_out = domain.version_space_ceiling(t.demos, states, reading, timeout_s)
        timeouts += int(timed_out)
        preds.append(list(out))
        seconds.append(time.perf_counter() - started)
    return preds, seconds, timeouts


def pooled(domain, tasks, preds) -> dict:
    """Coverage, precision and three-valued right over every asked atom of the job."""
    asked = committed = right_committed = right = 0
    for t, ps in zip(tasks, preds, strict=True):
        for q, p in zip(t.queries, ps, strict=True):
            scored = domain.scored(q.answer)
            ok = domain.correct(p, q.answer) & scored
            sure = domain.committed(p) & scored
            asked += int(scored.sum())
            committed += int(sure.sum())
            right_committed += int((ok & sure).sum())
            right += int(ok.sum())
    return {"coverage": committed / max(asked, 1), "precision": right_committed / max(committed, 1),
            "right": right / max(asked, 1), "asked": float(asked)}
