"""H1 with a learned meta-module, budget: pass@2 against the search's budget, the search
ordered by the domain's learned guide (ARC: best first, `compiler.proposer=guided`), by its
table (breadth first, `induce`) or at random (breadth first, `task.search_order=random`).

A job is one order (`experiment.order`). Per task the domain runs that search once at the
largest budget (`experiment.budgets`, states kept; the seconds cap `task.search_seconds` is
set high by the preset so that states, not seconds, end it) and builds, for every budget B,
the drafts of its first B states: what the same search with B states keeps
(`SearchBudget.budget_drafts`). Each budget's drafts are checked, selected and answered. A
row per budget: pass@2 and pass@1 over test outputs, the share of tasks with a consistent
draft, the states and depth reached, and per task the median (and 90th percentile) seconds
of the search to B states, drafting and checking (`task_s`).
The preset needs the `SearchBudget` capability (compiler/domain.py); a domain declares it in
conf/preset/DOMAIN/budget.yaml.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from omegaconf import DictConfig

from compiler import check_and_select
from compiler.domain import SearchBudget, as_groups
from experiments.core.config import ConfigError, compiler_config, domain_of
from experiments.core.learned_proposers import load_cached_net, weights_path
from experiments.presets.common import answers, job_key, query_tasks


def guide_net(domain, order: str):
    """The shipped net of the domain's guide when `order` is it, else None."""
    if order != domain.guide:
        return None
    path = weights_path(domain.name, domain.guide)
    if not (path / "params.npz").exists():
        raise ConfigError(f"experiment.order={order} needs the guide's weights in {path} (train "
                          f"them with python -m experiments.train_proposer --domain {domain.name})")
    return load_cached_net(path, domain.learned_proposers[domain.guide].net)


def run(cfg: DictConfig, job_dir: Path) -> list[dict]:
    domain, _ = domain_of(cfg)
    if not isinstance(domain, SearchBudget):
        raise ConfigError(f"experiment=budget needs a domain whose drafts come from a search "
                          f"with a budget (SearchBudget); {domain.name} has none")
    order = cfg.experiment.order
    if order not in domain.search_orders:
        raise ConfigError(f"experiment.order={order!r}; known: {list(domain.search_orders)}")
    budgets = sorted(int(b) for b in cfg.experiment.budgets)
    config = compiler_config(cfg)
    net = guide_net(domain, order)
    tasks = query_tasks(cfg)
    # the guided order once per share of the guide in the search's order (the rest uniform)
    shares = ([float(x) for x in cfg.experiment.guide_shares] or [config.options.search_guide_mix]
              if order == domain.guide else [None])
    rows = []
    for share in shares:
        options = (config.options if share is None
                   else replace(config.options, **{domain.guide_share_option: share}))
        for b, metrics in measured(cfg, domain, config, options, tasks, budgets, order, net).items():
            condition = {"order": order, "search_states": b}
            if share is not None:
                condition["guide_share"] = share
            rows.append({"condition": condition, "metrics": metrics})
    return rows


def measured(cfg, domain, config, options, tasks, budgets, order, net) -> dict[int, dict]:
    """{budget: metrics} of one search order over the job's tasks."""
    kept = {b: {"compiled": [], "task_s": [], "depth": [], "states": []} for b in budgets}
    for task in tasks:
        (group,) = as_groups(task.demos)
        for b, made in zip(budgets, domain.budget_drafts(group, config.num_drafts, options,
                                                          budgets, order, net, task.task_id),
                           strict=True):
            started = time.perf_counter()
            compiled = check_and_select(domain, made["drafts"], task.demos,
                                        job_key(cfg, task.task_id, 1), config, made["info"])
            kept[b]["compiled"].append(compiled)
            kept[b]["task_s"].append(made["search_s"] + made["info"].get("draft_s", 0.0)
                                     + time.perf_counter() - started)
            kept[b]["depth"].append(made["depth"])
            kept[b]["states"].append(made["states"])
    out = {}
    for b in budgets:
        k = kept[b]
        out[b] = {**answers(cfg, None, tasks, [c.voters for c in k["compiled"]], k["compiled"]),
                  "task_s": float(np.median(k["task_s"])),
                  "task_s_p90": float(np.percentile(k["task_s"], 90)),
                  "states": float(np.mean(k["states"])), "depth": float(np.mean(k["depth"])),
                  "p_consistent": float(np.mean([c.consistent_drafts > 0 for c in k["compiled"]]))}
    return out
