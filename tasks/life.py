"""Task generator for the `life` domain: rules, grids, demos, queries. Deterministic from a seed.

Held-out rules: every rule whose index hashes into the held-out fraction, plus the famous
rules, is never sampled for training (`train_rule_pool`); evaluation draws from
`heldout_rule_pool`. The split is a fixed function of the rule index, so it is the same in
every run and on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from compiler.life import (
    FAMOUS_RULES,
    NUM_ENTRIES,
    NUM_RULES,
    Demos,
    RuleSyntaxError,
    parse_rule,
    rule_index,
    run_batch_jit,
    step_batch,
    table_from_index,
)
from tasks.domain import CounterfactualSets, DemoReading, RuleSpaceCertification, TaskDomain, TrainingTasks

_HASH_MULT = np.uint64(2654435761)  # Knuth's multiplicative hash


def heldout_mask(indices, fraction: float) -> np.ndarray:
    """True for rule indices in the held-out split (a fixed hash of the index)."""
    indices = np.asarray(indices, np.uint64)
    bucket = ((indices * _HASH_MULT) % np.uint64(1 << 32)) % np.uint64(10_000)
    mask = bucket < np.uint64(round(fraction * 10_000))
    famous = rule_index(np.stack([parse_rule(t) for t in FAMOUS_RULES.values()]))
    return mask | np.isin(indices.astype(np.int64), famous)


def train_rule_pool(fraction: float) -> np.ndarray:
    """Indices of every rule training may use (sorted)."""
    all_rules = np.arange(NUM_RULES)
    return all_rules[~heldout_mask(all_rules, fraction)]


def heldout_rule_pool(fraction: float) -> np.ndarray:
    all_rules = np.arange(NUM_RULES)
    return all_rules[heldout_mask(all_rules, fraction)]


def hamming_distance(indices, centre: int) -> np.ndarray:
    """Table entries in which each rule index differs from the rule index `centre`."""
    return table_from_index(np.asarray(indices, np.int64) ^ int(centre)).sum(axis=(-2, -1))


def family_pool(pool, centre: int, max_distance: int | None = None,
                min_distance: int | None = None) -> np.ndarray:
    """The rules of `pool` within [min_distance, max_distance] entries of `centre`
    (a restricted family for counterfactual experiments)."""
    pool = np.asarray(pool)
    d = hamming_distance(pool, centre)
    keep = np.ones(len(pool), bool)
    if max_distance is not None:
        keep &= d <= max_distance
    if min_distance is not None:
        keep &= d >= min_distance
    return pool[keep]


def sample_rules(rng: np.random.Generator, n: int, exclude=None, pool=None) -> np.ndarray:
    """`n` distinct-if-possible rule indices, uniformly from `pool` (default: all rules)
    minus the exclusion set `exclude` (an iterable of indices)."""
    pool = np.arange(NUM_RULES) if pool is None else np.asarray(pool)
    if exclude is not None:
        pool = pool[~np.isin(pool, np.fromiter(exclude, np.int64))]
    if len(pool) == 0:
        raise ValueError("no rules left to sample after the exclusion set")
    return rng.choice(pool, size=n, replace=n > len(pool))


def random_grids(rng: np.random.Generator, n: int, height: int, width: int,
                 density=(0.2, 0.8)) -> np.ndarray:
    """`[n, H, W]` uint8 grids; each grid's live-cell density is uniform in `density`."""
    lo, hi = density
    p = rng.uniform(lo, hi, size=(n, 1, 1))
    return (rng.random((n, height, width)) < p).astype(np.uint8)


@dataclass
class LifeTaskConfig:
    """`task=life` keys (the Hydra schema of the `task` group's `life` option)."""

    name: str = "life"
    grid: int = 32  # demo grid side
    num_demos: int = 4
    demo_horizon: int = 1
    noise: float = 0.0  # probability of flipping each demo-output cell
    density_min: float = 0.2
    density_max: float = 0.8
    heldout_fraction: float = 0.1  # share of rule space never used for training
    # training: rules of the training split within family_radius table entries of family_centre
    family_centre: str = "B3/S23"
    family_radius: int = 18  # 18: all rules
    train_grid: int = 16  # grid side of training states
    # experiment presets: the scored queries' grid side; counterfactual: "far" test rules differ
    # from family_centre in at least far_distance entries ("near" ones: within family_radius)
    query_grid: int = 16
    far_distance: int = 6
    # the compiler's options (compiler/life/proposers.py: SearchOptions)
    search_restarts: int = 32  # induce on horizon > 1: hill-climbing population
    search_steps: int = 64  # induce on horizon > 1: hill-climbing iterations
    # experiments.certify: all (2^18) | heldout | train | a B/S rule text
    certify_rules: str = "all"


@dataclass
class Query:
    input: np.ndarray  # [H, W]
    horizon: int
    answer: np.ndarray  # [H, W], the hidden truth

    @property
    def size(self) -> int:
        """The query's size as eval rows report it (`grid`): the grid side."""
        return int(self.input.shape[0])


@dataclass
class LifeTask:
    task_id: int
    rule: np.ndarray  # [2, 9] hidden truth
    demos: Demos
    queries: list[Query]


def make_task(rng: np.random.Generator, task_id: int, rule_idx: int, grid: int, num_demos: int,
              demo_horizon: int, noise: float, query_grids, query_horizons,
              density=(0.2, 0.8)) -> LifeTask:
    """One task: demos on `grid x grid`, queries at every (grid size, horizon) pair.

    Queries of one grid size share one input, so a rollout to the largest horizon answers
    all of them. Output noise flips each demo-output cell with probability `noise`.
    """
    table = table_from_index(int(rule_idx))
    tables = np.repeat(table[None], num_demos, 0)
    inputs = random_grids(rng, num_demos, grid, grid, density)
    outputs = np.asarray(run_batch_jit(tables, inputs, demo_horizon))
    if noise > 0:
        outputs = outputs ^ (rng.random(outputs.shape) < noise).astype(np.uint8)
    queries = []
    for size in query_grids:
        x = random_grids(rng, 1, size, size, density)
        for h in query_horizons:
            answer = np.asarray(run_batch_jit(table[None], x, h))[0]
            queries.append(Query(x[0], int(h), answer))
    return LifeTask(task_id, table, Demos(inputs, outputs, demo_horizon), queries)


def make_tasks(seed: int, num_tasks: int, heldout_fraction: float, pool=None, **task_kwargs):
    """`num_tasks` tasks on held-out rules (or on rules drawn from `pool`), deterministic
    from `seed`."""
    rng = np.random.default_rng([seed, 0x7A5C])
    if pool is None:
        pool = heldout_rule_pool(heldout_fraction)
    rules = sample_rules(rng, num_tasks, pool=pool)
    return [make_task(rng, i, int(r), **task_kwargs) for i, r in enumerate(rules)]


def training_batch(key, pool: jax.Array, batch: int, grid: int, horizon: int,
                   num_demos: int = 0, halt_window: int = 0, trajectory: int = 0) -> dict:
    """A fixed-shape training batch from `key` alone (so step s's data depends on (seed, s)).

    Rules are drawn from `pool` (training rule indices); a grid of uniform random density is
    run t ~ U{0..horizon-1} steps under its rule. Returns a dict with `tables` `[B, 2, 9]`,
    `state` (x_t) and `next` (x_t+1) `[B, G, G]`; with `num_demos`, `demo_inputs` and
    `demo_outputs` `[B, N, G, G]` (horizon-1 demos of the same rule, for the end-to-end
    reasoner); with `halt_window`, `in_cycle` `[B]`: x_t recurs within that many steps
    (the run has reached its final fixed point or cycle); with `trajectory`, `trajectory`
    `[B, K, G, G]`: the states 1..K steps after x_t (the latent reasoner's targets).
    """
    k_rule, k_density, k_grid, k_time, k_demo = jax.random.split(key, 5)
    idx = pool[jax.random.randint(k_rule, (batch,), 0, pool.shape[0])]
    tables = ((idx[:, None] >> jnp.arange(18)) & 1).reshape(batch, 2, 9).astype(jnp.uint8)
    density = jax.random.uniform(k_density, (batch, 1, 1))
    state = (jax.random.uniform(k_grid, (batch, grid, grid)) < density).astype(jnp.uint8)
    t = jax.random.randint(k_time, (batch,), 0, horizon)

    def advance(i, s):
        return jnp.where((i < t)[:, None, None], step_batch(tables, s), s)

    state = jax.lax.fori_loop(0, horizon - 1, advance, state)
    out = {"tables": tables, "state": state, "next": step_batch(tables, state)}
    if num_demos:
        kd, ki = jax.random.split(k_demo)
        dens = jax.random.uniform(kd, (batch, num_demos, 1, 1))
        demo_in = (jax.random.uniform(ki, (batch, num_demos, grid, grid)) < dens)
        demo_in = demo_in.astype(jnp.uint8)
        out["demo_inputs"] = demo_in
        out["demo_outputs"] = jax.vmap(step_batch, in_axes=(None, 1), out_axes=1)(tables, demo_in)
    if halt_window:
        def recur(i, carry):
            s, seen = carry
            s = step_batch(tables, s)
            return s, seen | (s == state).reshape(batch, -1).all(axis=1)

        _, out["in_cycle"] = jax.lax.fori_loop(
            0, halt_window, recur, (state, jnp.zeros(batch, bool)))
    if trajectory:
        def unroll(s, _):
            s = step_batch(tables, s)
            return s, s

        out["trajectory"] = jnp.moveaxis(
            jax.lax.scan(unroll, state, None, length=trajectory)[1], 0, 1)
    return out


def grid_json(grid) -> list:
    """A 0/1 grid as task files write it: a list of rows of ints."""
    return np.asarray(grid).astype(int).tolist()


class LifeTasks(TaskDomain, TrainingTasks, DemoReading, CounterfactualSets,
                RuleSpaceCertification):
    name = "life"
    config = LifeTaskConfig
    training_batch = staticmethod(training_batch)

    def validate(self, t) -> None:
        for key in ("grid", "num_demos", "demo_horizon"):
            if getattr(t, key) <= 0:
                raise ValueError(f"task.{key} must be positive, got {getattr(t, key)}")
        if not 0.0 <= t.noise <= 0.5:
            raise ValueError(f"task.noise must be in [0, 0.5], got {t.noise}")
        if not 0.0 <= t.density_min <= t.density_max <= 1.0:
            raise ValueError("task.density_min <= task.density_max must both lie in [0, 1], got "
                             f"{t.density_min}, {t.density_max}")
        if not 0.0 < t.heldout_fraction < 1.0:
            raise ValueError(f"task.heldout_fraction must be in (0, 1), got {t.heldout_fraction}")
        for key in ("train_grid", "query_grid", "search_restarts", "search_steps"):
            if getattr(t, key) <= 0:
                raise ValueError(f"task.{key} must be positive, got {getattr(t, key)}")
        try:
            parse_rule(t.family_centre)
        except RuleSyntaxError as err:
            raise ValueError(f"task.family_centre: {err}") from None

    def task_kwargs(self, t) -> dict:
        return dict(grid=t.grid, num_demos=t.num_demos, demo_horizon=t.demo_horizon,
                    noise=t.noise, density=(t.density_min, t.density_max))

    def make_tasks(self, t, seed, num_tasks, query_sizes, query_horizons, pool=None,
                   noise=None) -> list[LifeTask]:
        kwargs = self.task_kwargs(t)
        if noise is not None:
            kwargs["noise"] = noise
        return make_tasks(seed, num_tasks, t.heldout_fraction, pool=pool,
                          query_grids=list(query_sizes), query_horizons=list(query_horizons),
                          **kwargs)

    def preset_query_sizes(self, t) -> list[int]:
        return [t.query_grid]

    def report_parameters(self, t) -> dict:
        return {"train_grid": t.train_grid, "family_centre": t.family_centre,
                "family_radius": t.family_radius, "far_distance": t.far_distance,
                "query_grid": t.query_grid}

    def rule_pool(self, t, split, centre=None, max_distance=None, min_distance=None):
        """Rule ids of a split ("train" or "heldout"), optionally within a family around
        `centre` (rule text)."""
        pool = (train_rule_pool if split == "train" else heldout_rule_pool)(t.heldout_fraction)
        if centre is None or (max_distance is not None and max_distance >= NUM_ENTRIES
                              and min_distance is None):
            return pool
        try:
            index = int(rule_index(parse_rule(centre)))
        except RuleSyntaxError as err:
            raise ValueError(f"family centre: {err}") from None
        return family_pool(pool, index, max_distance, min_distance)

    def training_pool(self, t, seed: int):
        """Training-split rule ids within `task.family_radius` of `task.family_centre`."""
        pool = self.rule_pool(t, "train", centre=t.family_centre, max_distance=t.family_radius)
        if len(pool) == 0:
            raise ValueError(f"task.family_radius={t.family_radius} around "
                             f"{t.family_centre} leaves no training rules")
        return jnp.asarray(pool, jnp.int32)

    def batch_fn(self, t, batch_size: int, horizon: int):
        def batch(key, pool, **kwargs):
            return training_batch(key, pool, batch_size, t.train_grid, horizon, **kwargs)
        return batch

    def counterfactual_sets(self, t) -> dict:
        """Near: held-out rules within `task.family_radius` of `task.family_centre` (the
        training family); far: at least `task.far_distance` entries away."""
        centre = t.family_centre
        return {"near": ({}, self.rule_pool(t, "heldout", centre=centre,
                                            max_distance=t.family_radius)),
                "far": ({}, self.rule_pool(t, "heldout", centre=centre,
                                           min_distance=t.far_distance))}

    def certify_targets(self, t) -> tuple[str, np.ndarray]:
        """Rule indices `task.certify_rules` names: all, heldout, train or one B/S text."""
        which = t.certify_rules
        if which == "all":
            return which, np.arange(NUM_RULES)
        if which in ("heldout", "train"):
            return which, self.rule_pool(t, which)
        try:
            return which, rule_index(parse_rule(which))[None]
        except RuleSyntaxError:
            raise ValueError(f"task.certify_rules={t.certify_rules!r}: expected all, heldout, "
                             "train or a B/S rule text such as B3/S23") from None

    def demo_inputs(self, tasks):
        return (np.stack([t.demos.inputs for t in tasks]), np.stack([t.demos.outputs for t in tasks]))

    def task_file_json(self, task) -> dict:
        return {"domain": "life", "demo_horizon": task.demos.horizon,
                "train": [{"input": grid_json(x), "output": grid_json(y)}
                          for x, y in zip(task.demos.inputs, task.demos.outputs, strict=True)],
                "test": [{"input": grid_json(q.input), "horizon": q.horizon} for q in task.queries]}

    def demo_examples(self, task, n: int = 2) -> dict:
        return {"demo_inputs": [grid_json(x) for x in task.demos.inputs[:n]],
                "demo_outputs": [grid_json(y) for y in task.demos.outputs[:n]]}

    def answer_json(self, output, task_file=None, index: int = 0) -> dict:
        return {"output": grid_json(output)}

    def parse_task(self, obj, path):
        from tasks.life_files import parse_task
        return parse_task(obj, path)


TASKS = LifeTasks()
