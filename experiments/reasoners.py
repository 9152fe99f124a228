"""Build reasoners from configs and load trained ones from run directories."""

from __future__ import annotations

from pathlib import Path

import jax
from flax import nnx
from omegaconf import DictConfig, OmegaConf

from experiments.checkpointing import Checkpointer
from experiments.config import ConfigError, neural_config
from reasoner import NeuralReasoner, RecurrentCell, SymbolicReasoner
from reasoner.latent import LatentCell, LatentReasoner


def compose_config(name: str, overrides=()) -> DictConfig:
    """A primary config from conf/ composed outside a Hydra app (benchmarks, scripts)."""
    from hydra import compose, initialize_config_dir

    import experiments.config  # noqa: F401  (registers the schema)
    conf = str(Path(__file__).resolve().parents[1] / "conf")
    with initialize_config_dir(config_dir=conf, version_base="1.3"):
        return compose(config_name=name, overrides=list(overrides))


def new_model(cfg: DictConfig, seed: int):
    """A fresh model for `cfg.reasoner` (RecurrentCell, or LatentCell for `latent`)."""
    cls = LatentCell if cfg.reasoner.name == "latent" else RecurrentCell
    return cls(neural_config(cfg), rngs=nnx.Rngs(seed))


def wrap(model):
    """The reasoner interface around a trained model."""
    return LatentReasoner(model) if isinstance(model, LatentCell) else NeuralReasoner(model)


def load_neural(run_dir):
    """The neural reasoner of a training run directory, at its latest checkpoint."""
    run_dir = Path(run_dir)
    config_file = run_dir / ".hydra" / "config.yaml"
    if not config_file.exists():
        raise ConfigError(f"checkpoint={run_dir}: no training run there (missing {config_file})")
    train_cfg = OmegaConf.load(config_file)
    checkpointer = Checkpointer(run_dir / "checkpoints")
    step = checkpointer.latest_step()
    if step is None:
        raise ConfigError(f"checkpoint={run_dir}: the run has no checkpoint yet")
    abstract = nnx.eval_shape(lambda: new_model(train_cfg, 0))
    graphdef, params_shape = nnx.split(abstract)
    target = jax.tree.map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype), params_shape)
    params = checkpointer.restore_params(step, target)
    checkpointer.close()
    return wrap(nnx.merge(graphdef, params))


PRETRAINED = {"neural": Path(__file__).resolve().parents[1] / "pretrained" / "life-neural"}


def build_reasoner(cfg: DictConfig, model: RecurrentCell | None = None):
    """The reasoner a config asks for: symbolic, a given model, `checkpoint=`'s, or the
    shipped pretrained one (`reasoner=neural` without `checkpoint=`)."""
    name = cfg.reasoner.name
    if name == "symbolic":
        return SymbolicReasoner()
    if model is not None:
        return wrap(model)
    run_dir = cfg.checkpoint or PRETRAINED.get(name)
    if run_dir is None:
        raise ConfigError(f"reasoner={name} needs checkpoint=<training run directory>")
    reasoner = load_neural(run_dir)
    if reasoner.name != name:
        raise ConfigError(f"checkpoint={run_dir} holds a {reasoner.name} reasoner, "
                          f"not reasoner={name}")
    return reasoner
