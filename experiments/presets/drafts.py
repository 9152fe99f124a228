"""H1, drafts: P(true rule among survivors), P(chosen = true), query accuracy vs K.

The rule metrics need a hidden true rule and a domain that compares rules
(`RuleEquivalence`); for tasks that give answers but no rule they are left out, and the
query metrics remain.

Draft sets are nested across K: the proposer writes the largest K once per task and each
smaller K checks and selects among a prefix of those drafts, so the curves over K carry no
sampling noise between K values.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from omegaconf import DictConfig

from compiler import check_and_select, propose_key
from compiler.domain import RuleEquivalence
from compiler.selectors import ranking
from experiments.core.config import compiler_config, domain_of
from experiments.core.runio import write_atomic
from experiments.presets.common import answers, compiled_reasoner, is_true_rule, job_key, query_tasks
from reasoner import answer


def run(cfg: DictConfig, job_dir: Path) -> list[dict]:
    domain, _ = domain_of(cfg)
    config = compiler_config(cfg)
    tasks = query_tasks(cfg)
    neural = compiled_reasoner(cfg)
    ks = sorted(cfg.experiment.num_drafts)
    if config.proposer == "exhaustive":  # it ranks every rule: only the largest K is shown
        ks = ks[-1:]
    started = time.perf_counter()
    largest = largest_drafts(cfg, domain, config, tasks, ks[-1])
    propose_s = (time.perf_counter() - started) / len(tasks)
    known = [{} for _ in tasks]  # per task: draft index -> equivalent to the truth
    rows = []
    for k in ks:
        started = time.perf_counter()
        compiled = [check_and_select(domain, drafts[:k], t.demos, job_key(cfg, t.task_id, 1),
                                     replace(config, num_drafts=k), info)
                    for (drafts, info), t in zip(largest, tasks, strict=True)]
        check_s = (time.perf_counter() - started) / len(tasks)
        metrics = {**(rule_metrics(cfg, compiled, tasks, known) if has_rules(domain, tasks) else {}),
                   # the checker's work and verdicts: drafts checked per task, the share it
                   # rejects, seconds per task (proposing the largest K once; checking K)
                   "drafts_checked": float(np.mean([len(c.drafts) for c in compiled])),
                   "p_rejected": float(np.mean([1 - c.survivors.mean() for c in compiled])),
                   "propose_s": propose_s, "check_s": check_s,
                   "p_consistent": float(np.mean([c.consistent_drafts > 0 for c in compiled])),
                   **answers(cfg, neural, tasks, [c.voters for c in compiled], compiled)}
        rows.append({"condition": {"num_drafts": k}, "metrics": metrics})
        if k == ks[-1] and cfg.experiment.example and cfg.seed == 0:
            # for the grids figure: seed 0's first task, saved by every drafts job
            write_atomic(job_dir / "example.json",
                         json.dumps(worked_example(cfg, tasks[0], compiled[0], neural)))
    return rows


def has_rules(domain, tasks) -> bool:
    """Every task carries its hidden rule and the domain can compare rules."""
    return isinstance(domain, RuleEquivalence) and all(t.rule is not None for t in tasks)


def rule_metrics(cfg, compiled, tasks, known) -> dict:
    """P(a draft equivalent to the truth survives), pass@K over rules, P(chosen = true)."""
    truth_survives = [any(equivalent(c, t, np.nonzero(c.survivors)[0], seen))
                      for c, t, seen in zip(compiled, tasks, known, strict=True)]
    # pass@K: the truth (or an equivalent rule set) among all K drafts, checked or not
    # (every draft's equivalence: `experiment.pass_at_k=false` skips it where that is dear)
    drafted = ({"p_true_drafted": float(np.mean(
        [any(equivalent(c, t, np.arange(len(c.drafts)), seen))
         for c, t, seen in zip(compiled, tasks, known, strict=True)]))}
        if cfg.experiment.pass_at_k else {})
    chosen_true = [equivalent(c, t, [c.chosen_index], seen)[0] if c.chosen_index is not None
                   else is_true_rule(c, t) for c, t, seen in zip(compiled, tasks, known, strict=True)]
    return {"p_true_survives": float(np.mean(truth_survives)), **drafted,
            "p_chosen_true": float(np.mean(chosen_true))}


def equivalent(compiled, task, indices, seen: dict) -> list[bool]:
    """Whether drafts `indices` compute what the truth does; the prefixes of one draft set
    share `seen`, so no draft is checked twice across K."""
    todo = [int(i) for i in indices if int(i) not in seen]
    if todo:
        found = compiled.domain.equivalent(compiled.drafts[todo], task.rule, task.demos)
        seen.update(zip(todo, found.tolist(), strict=True))
    return [seen[int(i)] for i in indices]


def largest_drafts(cfg, domain, config, tasks, k: int) -> list[tuple]:
    """(drafts, proposer info) of every task at the largest K; smaller K use prefixes."""
    out = []
    for t in tasks:
        key = propose_key(job_key(cfg, t.task_id, 0))
        out.append(domain.proposer(config.proposer)(key, t.demos, k, replace(config, num_drafts=k),
                                                    truth=t.rule))
    return out


def worked_example(cfg, task, compiled, reasoner, steps: int = 6) -> dict:
    """Demos, three drafts (the chosen one and two rejected, with why), and a reasoner's
    trajectory on the query next to the truth's."""
    from experiments.evaluation.queries import symbolic

    domain, scores = compiled.domain, compiled.scores
    order = ranking(scores)
    chosen = compiled.chosen_index if compiled.chosen_index is not None else int(order[0])
    rejected = [int(i) for i in order if not scores.exact[i] and i != chosen]
    picks = [chosen] + rejected[:1] + rejected[-1:]  # the closest and the farthest miss
    drafts = []
    for i in dict.fromkeys(picks):
        drafts.append({"rule": domain.to_text(compiled.drafts[i]), "consistent": bool(scores.exact[i]),
                       "chosen": i == chosen, "wrong_cells": int(scores.mismatches[i]),
                       "blamed_entries": domain.blamed(compiled.drafts[i], scores.blame[i])})
    reasoner = reasoner or symbolic(cfg)
    x = task.queries[0].input
    traj = [x]
    for _ in range(steps):
        traj.append(answer(reasoner, [compiled.voters], traj[-1][None], 1)[0])
    truth = [x]
    if task.rule is not None:  # the truth's trajectory (else only the query's answer)
        for _ in range(steps):
            truth.append(np.asarray(domain.run_batch(task.rule[None], truth[-1][None], 1))[0])
    else:
        truth.append(task.queries[0].answer)
    grids = lambda xs: [np.asarray(x).astype(int).tolist() for x in xs]
    return {"rule_true": None if task.rule is None else domain.to_text(task.rule),
            **domain_of(cfg)[1].demo_examples(task),
            "drafts": drafts,
            "num_drafts": int(len(compiled.drafts)), "reasoner": reasoner.name,
            "trajectory": grids(traj), "truth": grids(truth)}
