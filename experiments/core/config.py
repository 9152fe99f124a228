"""Structured config schemas (registered in Hydra's ConfigStore) and start-up validation.

YAML files under conf/ only set values; these dataclasses fix the keys and types, so a
misspelt key or a wrong type fails at start with Hydra's own message. `validate` adds the
checks types cannot express (positive sizes, known names) and raises ConfigError.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, OmegaConf, open_dict

from compiler import SELECTORS, CompilerConfig, get_domain
from compiler.domain import VersionSpace
from compiler.pipeline import PRIORS
from reasoner import get_spec
from reasoner.neural_config import NeuralConfig
from tasks import get_tasks, task_domain_names


class ConfigError(ValueError):
    """A config value that cannot work; raised before any work starts."""


def schema_of(cls, schema_name: str, exclude=(), **extra):
    """A plain (mutable) dataclass with the fields and defaults of the library dataclass
    `cls` (but `exclude`), plus `extra` fields given as `name=(type, default)`: the library
    keeps the one definition, Hydra gets a schema it can merge overrides into."""
    specs = [(k, t, dataclasses.field(default=d)) for k, (t, d) in extra.items()]
    hints = typing.get_type_hints(cls)  # real types, not the strings of postponed annotations
    for f in dataclasses.fields(cls):
        if f.name in exclude:
            continue
        default = (dataclasses.field(default_factory=f.default_factory)
                   if f.default is dataclasses.MISSING else dataclasses.field(default=f.default))
        specs.append((f.name, hints[f.name], default))
    return dataclasses.make_dataclass(schema_name, specs)


# the domain's own compiler options are `task.*` keys (see `compiler_config`)
CompilerSchema = schema_of(CompilerConfig, "CompilerSchema", exclude=("options",))
# reasoner=NAME picks the reasoner (reasoner/registry.py); the rest sizes a neural one
ReasonerSchema = schema_of(NeuralConfig, "ReasonerSchema", name=(str, "neural"))


@dataclass
class TrainConfig:
    steps: int = 2000
    batch_size: int = 64
    lr: float = 3e-3
    warmup: int = 150
    final_lr_fraction: float = 0.01
    clip: float = 1.0
    horizon: int = 8  # training states are taken from the first `horizon` steps of runs
    num_demos: int = 4  # demo pairs per example for the end-to-end reasoner
    halt_window: int = 32  # halting target: the state recurs within this many steps
    halt_weight: float = 0.1  # weight of the halting head's BCE in the loss
    progressive_alpha: float = 0.5  # latent reasoner: weight of the progressive loss
    curriculum_fraction: float = 0.5  # latent only: share of steps spent on the curriculum (its
    # first half at horizon 1, then the largest sampled horizon grows to train.horizon)
    checkpoint_every: int = 250
    log_every: int = 50
    eval_after: bool = True  # evaluate in the run directory when training ends
    tensorboard: bool = True  # also write metrics as TensorBoard scalars (tensorboard --logdir runs/)


@dataclass
class EvalConfig:
    horizons: list[int] = field(default_factory=lambda: [1, 4, 16, 64])
    grids: list[int] = field(default_factory=lambda: [16, 32])
    num_tasks: int = 64
    batch_size: int = 32
    compare_symbolic: bool = True  # also evaluate the symbolic reasoner on the same tasks
    until_stable: bool = False  # also answer "run until stable" queries -> halting.jsonl
    max_iterations: int = 512  # iteration budget of "until stable" queries


@dataclass
class GymConfig:
    """reasoning-gym `game_of_life` (the optional `gym` extra): queries and demos."""

    size: int = 100  # queries per step count
    grid: int = 10
    steps: list[int] = field(default_factory=lambda: [1, 2, 5, 10])
    fill: float = 0.1  # the generator's filled_cells_weights for queries (its default)
    num_demos: int = 8  # demo boards (simulation_steps=1) the compiler reads
    demo_fill: list[float] = field(default_factory=lambda: [0.2, 0.4, 0.6, 0.8])


@dataclass
class CertifyConfig:
    """`experiments.certify`: certify the reasoner on the domain's rules (which ones: the
    domain's `task.*` keys), in blocks."""

    block: int = 8192  # rules per device call
    max_listed: int = 1000  # failing rules listed in certify.json with their neighbourhoods


def _powers_of_two(top: int) -> list[int]:
    return [1 << i for i in range(top.bit_length()) if 1 << i <= top]


@dataclass
class ExperimentConfig:
    """The knobs of the experiment presets: conf/experiment/HYPOTHESIS.yaml names the
    preset code (`hypothesis`), conf/preset/DOMAIN/HYPOTHESIS.yaml the results `name` and
    the Hydra sweep axes, `scale=` the sizes."""

    hypothesis: str = "none"  # the preset code: experiments/presets/PRESETS
    name: str = "none"  # results/NAME/ (e.g. drafts for life, logic_drafts for logic)
    num_drafts: list[int] = field(default_factory=lambda: _powers_of_two(1024))  # drafts
    selection_drafts: int = 64  # selection: K
    selectors: list[str] = field(default_factory=lambda: ["best", "vote", "random", "first"])
    query_horizon: int = 16  # drafts, selection, inconsistency: horizon of the scored queries
    query_horizons: list[int] = field(default_factory=list)  # several (logic: proof depths)
    iterations: list[int] = field(default_factory=lambda: _powers_of_two(256))  # test_time
    horizons: list[int] = field(default_factory=lambda: [8, 32, 128])  # test_time
    grids: list[int] = field(default_factory=lambda: [16, 32])  # test_time
    # test_time, counterfactual: training steps / batch size per reasoner (missing: train.*)
    train_steps: dict[str, int] = field(default_factory=dict)
    train_batch_size: dict[str, int] = field(default_factory=dict)
    train_lr: dict[str, float] = field(default_factory=dict)  # e.g. the end-to-end's own sweep
    # test_time, counterfactual: reasoner sizes per reasoner, e.g. {latent: {width: 128}}
    reasoner_sizes: dict[str, dict[str, int]] = field(default_factory=dict)
    corruptions: list[int] = field(default_factory=lambda: [0, 1, 2, 4, 8])  # inconsistency
    noises: list[float] = field(default_factory=lambda: [0.0, 0.01, 0.02, 0.05])
    example: bool = True  # drafts: seed 0 also saves one worked example (the grids figure)
    pass_at_k: bool = True  # drafts: also check every draft's equivalence to the truth
    # undetermined: the proposers compared, the vote's priors and commit shares, the ceiling
    proposers: list[str] = field(default_factory=lambda: ["induce", "induce_span"])
    priors: list[str] = field(default_factory=lambda: ["uniform", "length"])
    commits: list[float] = field(default_factory=lambda: [1.0, 0.95, 0.9, 0.8, 0.7, 0.6])
    ceiling: bool = True
    # budget: the search order of a job (a domain's `search_orders`) and the budgets
    # (states kept per task) its rows are measured at
    order: str = "table"
    budgets: list[int] = field(default_factory=lambda: [250, 1000, 4000, 16000])
    # the guide's shares of the search's order measured (empty: the task's own)
    guide_shares: list[float] = field(default_factory=list)
    # how RESULTS.md reports the results (experiments/reporting/sections.py reads it from
    # the YAML declaration; the jobs ignore it): title, claim, row axes and labels, metrics
    report: dict[str, Any] = field(default_factory=dict)


@dataclass
class Config:
    seed: int = 0
    task: Any = MISSING  # task=life|...: the domain's own schema (tasks/<domain>.py)
    compiler: CompilerSchema = field(default_factory=CompilerSchema)
    reasoner: ReasonerSchema = field(default_factory=ReasonerSchema)
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    checkpoint: str | None = None  # a training run directory (evaluate, solve)
    task_file: str | None = None  # solve: the task JSON to answer
    out: str | None = None  # solve: where to write the answer JSON
    attempts: int | None = None  # solve: ranked distinct answers per query (None: the domain's)
    # solve, under compiler.selector=vote: the exact version space's values (a domain with
    # VersionSpace) replace the vote's wherever it decides, if it answers within this many
    # seconds per task (0: off)
    exact_seconds: float = 10.0
    gym: GymConfig = field(default_factory=GymConfig)
    certify: CertifyConfig = field(default_factory=CertifyConfig)
    experiment: ExperimentConfig = field(default_factory=ExperimentConfig)
    scale: str = "none"  # set by conf/scale/*.yaml: tiny | small | paper | gpu
    distributed: bool = False  # train: call jax.distributed.initialize() (SLURM, TPU pods)


def register_configs() -> None:
    """The schema, and the group options that are plain defaults (no YAML restates them):
    `task=<domain>` for every task domain, `compiler=default`, `train=default`, `eval=default`."""
    store = ConfigStore.instance()
    store.store(name="base_config", node=Config)
    for name in task_domain_names():
        store.store(group="task", name=name, node=get_tasks(name).config)
    store.store(group="compiler", name="default", node=CompilerSchema)
    store.store(group="train", name="default", node=TrainConfig)
    store.store(group="eval", name="default", node=EvalConfig)


register_configs()  # on import, so both the apps and tests' compose() see the schema


def _positive(cfg: DictConfig, *paths: str) -> None:
    for path in paths:
        value = OmegaConf.select(cfg, path)
        values = value if OmegaConf.is_list(value) else [value]
        if not values:
            raise ConfigError(f"{path} must not be empty")
        for v in values:
            if v is None or v <= 0:
                shown = OmegaConf.to_object(value) if OmegaConf.is_list(value) else value
                raise ConfigError(f"{path} must be positive, got {shown}")


VERSION_SPACE = "version_space"  # solve's answerer, not a selector (compiler/selectors.py)


# conf/solve.yaml's placeholders: "the task domain's solve setting for this key"
SOLVE_DEFAULTS = {"proposer": "default", "selector": "default", "num_drafts": -1, "commit": -1.0}


def solve_defaults(cfg: DictConfig) -> None:
    """Each `compiler.*` key still at its placeholder (conf/solve.yaml; not given on the
    command line) gets the task domain's `solve_compiler` value, else the schema's default."""
    schema = CompilerConfig()
    own = get_tasks(cfg.task.name).solve_compiler if OmegaConf.select(cfg, "task.name") else {}
    with open_dict(cfg):
        for key, placeholder in SOLVE_DEFAULTS.items():
            if cfg.compiler[key] == placeholder and type(cfg.compiler[key]) is type(placeholder):
                cfg.compiler[key] = own.get(key, getattr(schema, key))


def validate(cfg: DictConfig, solve: bool = False) -> None:
    """Fail at start on values no run can use. `solve`: the app is experiments.solve, the one
    that answers with `compiler.selector=version_space`."""
    if solve or cfg.compiler.proposer == "default":  # solve.yaml's placeholders first
        solve_defaults(cfg)
    _positive(cfg, "compiler.num_drafts", "compiler.chunk",
              "reasoner.channels", "reasoner.width", "reasoner.depth", "train.steps",
              "train.batch_size", "train.lr", "train.horizon",
              "train.checkpoint_every", "train.log_every", "train.num_demos", "train.halt_window",
              "eval.horizons", "eval.grids",
              "eval.num_tasks", "eval.batch_size", "eval.max_iterations", "certify.block")
    seed = OmegaConf.select(cfg, "seed")
    if seed is not None and seed < 0:  # numpy's generators take no negative seed
        raise ConfigError(f"seed must be >= 0, got {seed}")
    try:
        tasks = get_tasks(cfg.task.name)
        domain = get_domain(cfg.task.name)
        tasks.validate(cfg.task)
        get_spec(cfg.task.name, cfg.reasoner.name)
    except ValueError as err:
        raise ConfigError(str(err)) from None
    if cfg.compiler.proposer not in domain.proposer_names():
        raise ConfigError(f"compiler.proposer={cfg.compiler.proposer!r}; known for task="
                          f"{domain.name}: {domain.proposer_names()}")
    if cfg.compiler.selector == VERSION_SPACE and not isinstance(domain, VersionSpace):
        raise ConfigError(f"compiler.selector=version_space: task={domain.name} has no exact "
                          "version space (compiler.domain.VersionSpace)")
    if cfg.compiler.selector == VERSION_SPACE and not solve:
        raise ConfigError("compiler.selector=version_space answers only in experiments.solve; "
                          "here use compiler.selector=vote (or experiment=undetermined for the "
                          "version space's own rows, answerer=version_space)")
    if cfg.compiler.prior not in PRIORS:
        raise ConfigError(f"compiler.prior={cfg.compiler.prior!r}; known: {PRIORS}")
    if not 0.5 < cfg.compiler.commit <= 1.0:
        raise ConfigError(f"compiler.commit must be in (0.5, 1], got {cfg.compiler.commit}")
    if cfg.compiler.selector not in SELECTORS and cfg.compiler.selector != VERSION_SPACE:
        raise ConfigError(f"compiler.selector={cfg.compiler.selector!r}; known: {sorted(SELECTORS)}")
    if not 0.0 <= cfg.train.curriculum_fraction <= 1.0:
        raise ConfigError(f"train.curriculum_fraction must be in [0, 1], got "
                          f"{cfg.train.curriculum_fraction}")
    if not 0.0 <= cfg.train.progressive_alpha <= 1.0:
        raise ConfigError(f"train.progressive_alpha must be in [0, 1], got "
                          f"{cfg.train.progressive_alpha}")


def compiler_config(cfg: DictConfig) -> CompilerConfig:
    """The library's CompilerConfig of `cfg`: the generic `compiler.*` keys, the domain's own
    options from its `task.*` keys (the fields of `Domain.options`), and a learned proposer's
    weights loaded on demand."""
    from experiments.core import learned_proposers

    domain = get_domain(cfg.task.name)
    options = None
    if domain.options is not None:
        options = domain.options(**{f.name: cfg.task[f.name]
                                    for f in dataclasses.fields(domain.options)})
    try:
        learned_proposers.load(domain.name, cfg.compiler.proposer)
    except ValueError as err:
        raise ConfigError(str(err)) from None
    return CompilerConfig(**OmegaConf.to_container(cfg.compiler), options=options)


def neural_config(cfg: DictConfig) -> NeuralConfig:
    return NeuralConfig(**{f.name: cfg.reasoner[f.name] for f in dataclasses.fields(NeuralConfig)})


def domain_of(cfg: DictConfig):
    """(the compiler domain, the task domain) of `cfg.task.name`."""
    return get_domain(cfg.task.name), get_tasks(cfg.task.name)
