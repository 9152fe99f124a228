"""Build reasoners from configs (through the registry) and load trained ones from run
directories, on the devices of this process whatever wrote the checkpoint."""

from __future__ import annotations

from pathlib import Path

from flax import nnx
from omegaconf import DictConfig, OmegaConf

from experiments.core.checkpointing import Checkpointer
from experiments.core.config import ConfigError, neural_config
from reasoner import SymbolicReasoner, get_spec

ROOT = Path(__file__).resolve().parents[2]


def pretrained_run(domain: str, name: str) -> Path | None:
    """The shipped trained reasoner `reasoner=NAME` loads without `checkpoint=`: the run
    directory `pretrained/<domain>-<name>/`, where one is shipped."""
    run_dir = ROOT / "pretrained" / f"{domain}-{name}"
    return run_dir if (run_dir / ".hydra" / "config.yaml").exists() else None


def compose_config(name: str, overrides=()) -> DictConfig:
    """A primary config from conf/ composed outside a Hydra app (benchmarks, scripts)."""
    from hydra import compose, initialize_config_dir

    import experiments.core.config  # noqa: F401  (registers the schema)
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3"):
        return compose(config_name=name, overrides=list(overrides))


def new_model(cfg: DictConfig, seed: int):
    """A fresh model for `cfg.reasoner` (the registry says which module)."""
    spec = get_spec(cfg.task.name, cfg.reasoner.name)
    if spec.model is None:
        raise ConfigError(f"reasoner={spec.name} has no model to train")
    return spec.model(neural_config(cfg), reads=spec.reads, rngs=nnx.Rngs(seed))


def wrap(cfg: DictConfig, model):
    """The reasoner interface around a trained model."""
    return get_spec(cfg.task.name, cfg.reasoner.name).wrap(model)


def load_trained(run_dir, mesh=None):
    """The reasoner of a training run directory at its latest checkpoint, restored onto the
    current devices (never the topology the checkpoint was written on)."""
    run_dir = Path(run_dir)
    config_file = run_dir / ".hydra" / "config.yaml"
    if not config_file.exists():
        raise ConfigError(f"checkpoint={run_dir}: no training run there (missing {config_file})")
    train_cfg = OmegaConf.load(config_file)
    checkpointer = Checkpointer(run_dir / "checkpoints")
    step = checkpointer.latest_step()
    if step is None:
        raise ConfigError(f"checkpoint={run_dir}: the run has no checkpoint yet")
    graphdef, params_shape = nnx.split(nnx.eval_shape(lambda: new_model(train_cfg, 0)))
    params = checkpointer.restore_params(step, params_shape, mesh)
    checkpointer.close()
    return wrap(train_cfg, nnx.merge(graphdef, params))


def build_reasoner(cfg: DictConfig, model=None):
    """The reasoner a config asks for: symbolic, a given model, `checkpoint=`'s, or the
    shipped pretrained one (e.g. `reasoner=neural` without `checkpoint=`)."""
    domain, name = cfg.task.name, cfg.reasoner.name
    spec = get_spec(domain, name)
    if spec.per_task:  # learns per task as it answers: give it the run's sizes and budget
        r, t = cfg.reasoner, cfg.train
        return spec.wrap({"channels": r.channels, "width": r.width, "depth": r.depth,
                          "steps": t.steps, "batch_size": t.batch_size, "lr": t.lr,
                          "horizon": t.horizon, "seed": cfg.seed})
    if not spec.trainable:
        return SymbolicReasoner(domain)
    if model is not None:
        return spec.wrap(model)
    run_dir = cfg.checkpoint or pretrained_run(domain, name)
    if run_dir is None:
        raise ConfigError(f"reasoner={name} needs checkpoint=<training run directory>")
    reasoner = load_trained(run_dir)
    if reasoner.name != name:
        raise ConfigError(f"checkpoint={run_dir} holds a {reasoner.name} reasoner, "
                          f"not reasoner={name}")
    return reasoner
