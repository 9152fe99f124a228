"""Task generator for the `logic` domain: hidden self-consistent rule sets, demos (fact sets
and their closures) and queries at chosen proof depths. Deterministic from a seed.

A rule set of depth L is layered so that chains reach L:
- a *spine* `s1..sL`: `s(l-1) -> s(l)`, entered at every layer by an *entry* rule of three
  input literals (`x & ~y & z -> s(l)`); a fact set's proof depth is L + 1 minus the
  lowest layer whose entry fires, so queries of every depth 1..L exist;
- *side* atoms at each layer l, each with two rules keyed on the spine atom below and a
  complementary pair on a *condition* literal c (an input or a lower side atom):
  `s(l-1) & c [& e] -> a` and `s(l-1) & ~c [& e'] -> ~a` (heads flipped when the
  counterfactual theory says so). Complementary conditions cannot both hold, so the rule
  set never derives both values of an atom;
- integrity constraints that follow from the rules (`a & ~c -> false`): they never fire on
  an admissible fact set, but a wrong draft may fire them.
Every generated rule set is self-consistent by construction, and the vectorized check
asserts it. The held-out split is a fixed hash of the canonical rule arrays: training draws
only rule sets outside it.

The *background theory* (`task.theory`): side atoms' heads follow their condition literal
(`follow`: `c -> a`), contradict it (`contradict`: `c -> ~a`, the counterfactual rule
sets, still self-consistent) or are random (`none`). `causal` is another family:
blicket-style causal-induction tasks whose right answers may be `undetermined`
(tasks/logic_causal.py; `task.inputs` objects, `task.effects` effects, `task.num_demos`
trials).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from omegaconf import OmegaConf

from compiler.logic import Demos, canonical
from compiler.logic.executor import (
    CLOSED,
    FALSE,
    NOT_ASKED,
    TRUE,
    closure_many_jit,
    read_np,
    run_batch_jit,
    used_rows,
)
from compiler.logic.proposers import RULE_BITS
from compiler.logic.rule_class import RuleClassError, rule_class_of
from compiler.logic.rules import FALSE_HEAD, MAX_ATOMS, MAX_RULES, default_names, literal
from tasks.domain import CounterfactualSets, DemoReading, TaskDomain, TrainingTasks
from tasks.logic_training import training_batch

WORLDS = ("closed", "open")
SOLVE_COMMIT = 0.95  # solve's compiler.commit for logic (chosen on the development seed 1)
THEORIES = ("none", "follow", "contradict", "causal")
POOL_SIZE = 1024  # training rule sets per run (host generation: ~1 s per 1,000)


@dataclass
class LogicTaskConfig:
    """`task=logic` keys (the Hydra schema of the `task` group's `logic` option)."""

    name: str = "logic"
    atoms: int = 32  # at least; deeper rule sets get as many as they need
    inputs: int = 8  # input atoms (the admissible fact sets assign them)
    rules: int = 16  # at least; deeper rule sets get as many as they need
    body_max: int = 3  # body literals per rule at most (1-3)
    depth: int = 3  # layers of the rule set (training depth); queries deepen it as needed
    num_demos: int = 8
    observed: float = 1.0  # share of non-input atoms shown in demo closures (the rest hidden)
    noise: float = 0.0  # probability of flipping each observed derived value in a demo
    world: str = "closed"  # closed: atoms never derived read false; open: unknown
    constraints: int = 2  # integrity constraints per rule set
    theory: str = "none"  # none | follow | contradict (the background theory, H3) | causal
    effects: int = 1  # theory=causal: effects (the objects are the `inputs`)
    # the compiler's option (compiler/logic/proposers.py LogicOptions): a `~` in the `length`
    # prior's description length, in symbols
    negation_symbols: float = 16.0
    # the rule class the generated tasks state (compiler/logic/rule_class.py: max_literals,
    # negation, causes); null: the generator's own (theory=causal: present objects, up to
    # three; otherwise the default class)
    rule_class: Any = None
    # the posterior proposer's prior: bits per rule beyond naming it in the class
    rule_bits: float = RULE_BITS
    literal_bits: float = 0.0  # and per body literal past the first
    heldout_fraction: float = 0.1  # share of rule sets (by hash) never used for training


@dataclass
class Query:
    input: np.ndarray  # [A] fact state
    horizon: int  # steps asked: the query's proof depth
    answer: np.ndarray  # [A] read values after `horizon` steps; NOT_ASKED off the asked atoms
    depth: int = 0  # the true proof depth of the fact set

    @property
    def size(self) -> int:
        """The query's size as eval rows report it (`grid`): the number of atoms."""
        return int(self.input.shape[0])


@dataclass
class LogicTask:
    task_id: int
    rule: np.ndarray  # [MAX_RULES, 4] hidden truth
    demos: Demos
    queries: list[Query]
    names: list[str] = field(default_factory=list)


def shape_for(cfg: LogicTaskConfig, depth: int) -> tuple[int, int, int]:
    """(atoms, side atoms, rules) of a rule set of `depth` layers."""
    side_rules = max(cfg.rules - 2 * depth - cfg.constraints, depth)
    side = max(1, side_rules // 2)
    atoms = max(cfg.atoms, cfg.inputs + depth + side)
    if atoms > MAX_ATOMS or 2 * depth + 2 * side + cfg.constraints > MAX_RULES:
        raise ValueError(f"task.depth {depth} needs {atoms} atoms and "
                         f"{2 * depth + 2 * side + cfg.constraints} rules; a RuleSet holds at "
                         f"most {MAX_ATOMS} atoms and {MAX_RULES} rules")
    return atoms, side, 2 * depth + 2 * side + cfg.constraints


def generate_rule_set(rng: np.random.Generator, cfg: LogicTaskConfig, depth: int) -> np.ndarray:
    """One hidden rule set of `depth` layers (see the module docstring)."""
    atoms, side, _ = shape_for(cfg, depth)
    n_in = cfg.inputs
    perm = n_in + rng.permutation(atoms - n_in)  # spine and side atoms at random positions
    spine = perm[:depth]
    sides = perm[depth:depth + side]
    rows = []

    def rule(body, head):
        codes = [literal(a, n) for a, n in body]
        rows.append(codes + [0] * (3 - len(codes)) + [head])

    for layer in range(depth):
        x = rng.choice(n_in, size=min(3, cfg.body_max, n_in), replace=False)
        rule([(a, rng.random() < 0.5) for a in x], literal(spine[layer], False))  # entry
        if layer:
            rule([(spine[layer - 1], False)], literal(spine[layer], False))  # chain
    side_layer = 1 + np.sort(rng.integers(0, depth, size=side))
    constrained = 0
    for a, layer in zip(sides, side_layer, strict=True):
        earlier = [b for b, lb in zip(sides, side_layer, strict=True) if lb < layer]
        pool = list(range(n_in)) + earlier
        c = int(rng.choice(pool))
        key = [] if layer == 1 else [(spine[layer - 2], False)]
        flip = {"follow": False, "contradict": True}.get(cfg.theory, bool(rng.random() < 0.5))
        extra = []
        if cfg.body_max - len(key) >= 2 and rng.random() < 0.5:
            e = int(rng.choice([b for b in range(n_in) if b != c] or [c]))
            if e != c:
                extra = [(e, bool(rng.random() < 0.5))]
        rule(key + [(c, False)] + extra, literal(a, flip))
        rule(key + [(c, True)], literal(a, not flip))
        if constrained < cfg.constraints:
            # the literal the first rule derives needs c: it cannot hold together with ~c
            rule([(a, flip), (c, True)], FALSE_HEAD)
            constrained += 1
    return canonical(np.array(rows, np.int64))


def heldout_mask(rules: np.ndarray, fraction: float) -> np.ndarray:
    """True for rule sets in the held-out split (a fixed hash of the canonical arrays)."""
    rules = np.asarray(rules).reshape(-1, MAX_RULES, 4)
    out = []
    for r in rules:
        digest = hashlib.blake2b(canonical(r).tobytes(), digest_size=8).digest()
        out.append(int.from_bytes(digest, "little") % 10_000 < round(fraction * 10_000))
    return np.array(out)


def sample_rule_set(rng, cfg: LogicTaskConfig, depth: int, split: str) -> np.ndarray:
    """A rule set of the split ("train" or "heldout"): rejection on the hash."""
    want = split == "heldout"
    for _ in range(10_000):
        rule = generate_rule_set(rng, cfg, depth)
        if heldout_mask(rule, cfg.heldout_fraction)[0] == want:
            return rule
    raise RuntimeError(f"no {split} rule set in 10,000 samples")


def training_pool(task_cfg: LogicTaskConfig, seed: int, size: int = POOL_SIZE) -> jax.Array:
    """`[P, R, 4]` int16: the bank of training-split rule sets of depths 1..task.depth that
    the learned reasoners' batches draw from (tasks/logic_training.py), each one's used rows
    first, padded to the same rows."""
    rng = np.random.default_rng([seed, 0x7EA1])
    depths = 1 + np.arange(size) % task_cfg.depth
    rules = np.stack([sample_rule_set(rng, task_cfg, int(d), "train") for d in depths])
    return jnp.asarray(used_rows(rules), jnp.int16)


def training_atoms(task_cfg: LogicTaskConfig) -> int:
    """Atoms of every training state: the most any training rule set names."""
    return max(shape_for(task_cfg, d)[0] for d in range(1, task_cfg.depth + 1))


def all_assignments(num_inputs: int, rng, limit: int = 4096) -> np.ndarray:
    """`[M, I]` bool total assignments: all of them up to `limit`, else a random sample."""
    if (1 << num_inputs) <= limit:
        index = np.arange(1 << num_inputs)
        return ((index[:, None] >> np.arange(num_inputs)) & 1).astype(bool)
    return rng.random((limit, num_inputs)) < 0.5


def partial_assignments(num_inputs: int, rng, limit: int = 8192) -> np.ndarray:
    """`[M, I]` values 0 (not given), 1 (true), 2 (false): all 3^I up to `limit`, else a
    random sample."""
    if 3 ** num_inputs <= limit:
        index = np.arange(3 ** num_inputs)
        return (index[:, None] // 3 ** np.arange(num_inputs)) % 3
    return rng.integers(0, 3, size=(limit, num_inputs))


def fact_states(values: np.ndarray, atoms: int, world: str) -> np.ndarray:
    """`[M, A]` states giving the inputs `values` `[M, I]` (bool: a total assignment; or
    0 not given / 1 true / 2 false)."""
    m, n_in = values.shape
    states = np.zeros((m, atoms), np.uint8)
    code = np.where(values, 1, 2) if values.dtype == bool else values
    states[:, :n_in] = np.where(code == 1, TRUE, np.where(code == 2, FALSE, 0))
    if world == "closed":
        states |= CLOSED
    return states


def make_task(rng, task_id: int, cfg: LogicTaskConfig, horizons, split: str = "heldout",
              noise: float | None = None) -> LogicTask:
    depth = max([cfg.depth, *horizons])
    atoms, _, _ = shape_for(cfg, depth)
    rule = sample_rule_set(rng, cfg, depth, split)
    candidates = fact_states(all_assignments(cfg.inputs, rng), atoms, cfg.world)
    finals, depths = closure_many_jit(rule, candidates)
    finals, depths = np.asarray(finals), np.asarray(depths)
    n_derived = atoms - cfg.inputs
    hidden = cfg.inputs + rng.permutation(n_derived)[:int(round((1 - cfg.observed) * n_derived))]
    # demos: distinct random fact sets
    pick = rng.choice(len(candidates), size=cfg.num_demos, replace=cfg.num_demos > len(candidates))
    closure = read_np(finals[pick])
    noise = cfg.noise if noise is None else noise
    if noise > 0:
        flip = (rng.random(closure.shape) < noise) & ((closure == 1) | (closure == 2))
        flip[:, :cfg.inputs] = False
        closure = np.where(flip, 3 - closure, closure)
    closure[:, hidden] = NOT_ASKED
    demos = Demos(candidates[pick], closure, tuple(range(cfg.inputs)))
    asked = np.ones(atoms, bool)
    asked[:cfg.inputs] = False
    asked[hidden] = False
    partial = fact_states(partial_assignments(cfg.inputs, rng), atoms, cfg.world)
    partial_depths = np.asarray(closure_many_jit(rule, partial)[1])
    # queries lie outside the demos' support: no query repeats a demo's fact set
    shown = {x.tobytes() for x in demos.facts}
    depths = np.where([x.tobytes() in shown for x in candidates], -100, depths)
    partial_depths = np.where([x.tobytes() in shown for x in partial], -100, partial_depths)
    queries = []
    for h in horizons:
        # a total fact set whose proof depth is h, else a partial one, else the closest
        if (depths == h).any():
            pool, pool_depths = candidates, depths
        elif (partial_depths == h).any():
            pool, pool_depths = partial, partial_depths
        else:
            pool = np.concatenate([candidates, partial])
            pool_depths = np.concatenate([depths, partial_depths])
        gap = np.abs(pool_depths - h)
        choice = int(rng.choice(np.nonzero(gap == gap.min())[0]))
        x = pool[choice]
        truth = read_np(np.asarray(run_batch_jit(rule[None], x[None], int(h)))[0])
        queries.append(Query(x, int(h), np.where(asked, truth, NOT_ASKED).astype(np.uint8),
                             int(pool_depths[choice])))
    return LogicTask(task_id, rule, demos, queries, default_names(atoms))


def stated_class(t):
    """The RuleClass generated tasks state: `task.rule_class`, else the generator's own
    (causal tasks: present objects, up to three; else the default class)."""
    value = t.rule_class
    if OmegaConf.is_config(value):
        value = OmegaConf.to_container(value)
    if value is None and t.theory == "causal":
        from tasks.logic_causal import CAUSAL_CLASS
        return CAUSAL_CLASS
    stated = rule_class_of(value, where="task.rule_class")
    if not isinstance(stated.causes, str):  # generated atoms have no names to list
        raise RuleClassError(f"task.rule_class.causes: generated tasks take \"all\" or "
                             f"\"inputs\", got {list(stated.causes)}")
    return stated


class LogicTasks(TaskDomain, TrainingTasks, DemoReading, CounterfactualSets):
    name = "logic"
    config = LogicTaskConfig
    # a fair posterior sample over the task's rule class, the exact version space where it
    # decides (docs/logic.md, "The stated rule class"); commit chosen on the development seed
    solve_compiler = {"proposer": "posterior", "selector": "vote", "num_drafts": 64,
                      "commit": SOLVE_COMMIT}

    def validate(self, t) -> None:
        for key in ("atoms", "inputs", "rules", "depth", "num_demos"):
            if getattr(t, key) <= 0:
                raise ValueError(f"task.{key} must be positive, got {getattr(t, key)}")
        if not 1 <= t.body_max <= 3:
            raise ValueError(f"task.body_max must be 1, 2 or 3, got {t.body_max}")
        if t.inputs >= t.atoms:
            raise ValueError(f"task.inputs ({t.inputs}) must be fewer than task.atoms ({t.atoms})")
        if not 0.0 < t.observed <= 1.0:
            raise ValueError(f"task.observed must be in (0, 1], got {t.observed}")
        if not 0.0 <= t.noise <= 0.5:
            raise ValueError(f"task.noise must be in [0, 0.5], got {t.noise}")
        if t.world not in WORLDS:
            raise ValueError(f"task.world must be one of {WORLDS}, got {t.world!r}")
        if t.theory not in THEORIES:
            raise ValueError(f"task.theory must be one of {THEORIES}, got {t.theory!r}")
        if t.constraints < 0:
            raise ValueError(f"task.constraints must be >= 0, got {t.constraints}")
        try:
            stated_class(t)
        except RuleClassError as err:
            raise ValueError(str(err)) from None
        if not 0.0 < t.heldout_fraction < 1.0:
            raise ValueError(f"task.heldout_fraction must be in (0, 1), got {t.heldout_fraction}")
        if t.theory == "causal":
            if not 2 <= t.inputs <= 10 or not 1 <= t.effects <= 4:
                raise ValueError(f"task.theory=causal needs 2-10 objects (task.inputs) and 1-4 "
                                 f"effects (task.effects), got {t.inputs} and {t.effects}")
            if t.world != "closed" or t.observed != 1.0 or t.noise != 0.0:
                raise ValueError("task.theory=causal: trials are closed-world, fully observed "
                                 "and noiseless (task.world=closed, observed=1.0, noise=0.0)")
            return
        shape_for(t, t.depth)

    def make_tasks(self, t, seed, num_tasks, query_sizes, query_horizons, pool=None,
                   noise=None) -> list[LogicTask]:
        """Tasks on held-out rule sets (`pool="train"`: the training split). Logic queries
        have the task's own size (its atoms), so `query_sizes` is not used."""
        rng = np.random.default_rng([seed, 0x10C1C])
        split = pool or "heldout"
        if t.theory == "causal":
            if pool == "train":
                raise ValueError("task.theory=causal has no training split (nothing trains on it)")
            from tasks.logic_causal import make_causal_task
            max_size = stated_class(t).max_literals
            tasks = [make_causal_task(rng, i, t.inputs, t.effects, t.num_demos,
                                      list(query_horizons), LogicTask, Query, max_size)
                     for i in range(num_tasks)]
        else:
            tasks = [make_task(rng, i, t, list(query_horizons), split, noise)
                     for i in range(num_tasks)]
        stated = stated_class(t)
        for task in tasks:
            task.demos = replace(task.demos, rule_class=stated)
        return tasks

    def training_pool(self, t, seed: int):
        return training_pool(t, seed)

    def batch_fn(self, t, batch_size: int, horizon: int):
        atoms = training_atoms(t)

        def batch(key, pool, **kwargs):
            return training_batch(key, pool, batch_size, atoms, t.depth, t.inputs, **kwargs)
        return batch

    def counterfactual_sets(self, t) -> dict:
        """Near: held-out rule sets whose side rules follow the background theory (as the
        training ones do under `task.theory=follow`); far: self-consistent held-out rule
        sets whose side rules all contradict it (`task.theory=contradict`)."""
        return {"near": ({"theory": "follow"}, None), "far": ({"theory": "contradict"}, None)}

    def demo_inputs(self, tasks):
        return (np.stack([t.demos.facts for t in tasks]), np.stack([t.demos.closure for t in tasks]))

    def task_file_json(self, task) -> dict:
        from tasks.logic_files import task_json
        return task_json(task)

    def demo_examples(self, task, n: int = 2) -> dict:
        from tasks.logic_files import demo_json
        return {"demos": [demo_json(task.demos, i, task.names) for i in range(min(n, len(task.demos.facts)))]}

    def answer_json(self, output, task_file=None, index: int = 0) -> dict:
        from tasks.logic_files import answers_json
        if task_file is None:
            return answers_json(output)
        return answers_json(output, task_file.asks[index], task_file.names)

    def probability_json(self, p_true, task_file, index: int = 0) -> dict:
        """`{"p_true": {atom: P}}` for the asked atoms of test query `index`."""
        return {"p_true": {task_file.names[a]: round(float(p_true[a]), 4)
                           for a in task_file.asks[index]}}

    def rule_text(self, rule, task_file=None) -> str:
        from compiler.logic import format_rules
        return format_rules(rule, task_file.names if task_file is not None else None)

    def parse_task(self, obj, path):
        from tasks.logic_files import parse_task
        return parse_task(obj, path)


TASKS = LogicTasks()
