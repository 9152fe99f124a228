"""Loading the learned proposers' weights (the wiring: `compiler/` reads no files).

Each domain declares its learned proposers (`Domain.learned_proposers`: the weights'
folder under `pretrained/`, the net class, how to build the proposer); nothing is
registered on import. `load(domain, name)` reads the weights once per process and binds
the proposer, so `compile(..., proposer=name)` works afterwards; the apps call it through
`experiments.core.config.compiler_config` when a config asks for a learned proposer.
`save_proposer_net` and `load_proposer_net` write and read such a folder (`params.npz`,
`meta.json`: arrays only, device-neutral).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from compiler import get_domain
from compiler.life.proposer_net import ProposerNet
from experiments.core.runio import write_atomic

PRETRAINED = Path(__file__).resolve().parents[2] / "pretrained"
LIFE_PROPOSER = PRETRAINED / "life-proposer"


def weights_path(domain: str, name: str) -> Path:
    """The folder the learned proposer `name` of `domain` loads its weights from."""
    return PRETRAINED / get_domain(domain).learned_proposers[name].weights


def save_proposer_net(model, path, meta: dict) -> None:
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    leaves = jax.tree.leaves(nnx.state(model, nnx.Param))
    np.savez(path / "params.npz", *[np.asarray(leaf) for leaf in leaves])
    write_atomic(path / "meta.json", json.dumps(meta, indent=2) + "\n")


def load_proposer_net(path=LIFE_PROPOSER, cls=ProposerNet):
    path = Path(path)
    meta = json.loads((path / "meta.json").read_text())
    model = cls(meta["width"], rngs=nnx.Rngs(0))
    state = nnx.state(model, nnx.Param)
    with np.load(path / "params.npz") as data:
        arrays = [data[f"arr_{i}"] for i in range(len(data.files))]
    leaves, treedef = jax.tree.flatten(state)
    if [a.shape for a in arrays] != [leaf.shape for leaf in leaves]:
        raise ValueError(f"{path}: parameters do not fit {cls.__name__}(width={meta['width']})")
    nnx.update(model, jax.tree.unflatten(treedef, [jnp.asarray(a) for a in arrays]))
    return model


@functools.cache
def load_cached_net(path=LIFE_PROPOSER, cls=ProposerNet):
    """`load_proposer_net`, once per process and folder."""
    return load_proposer_net(path, cls)


def available(domain: str, name: str) -> bool:
    """The weights of learned proposer `name` are shipped (or were trained here)."""
    return (weights_path(domain, name) / "params.npz").exists()


def load(domain: str, name: str) -> None:
    """Bind learned proposer `name` of `domain` to its weights (once per process); a plain
    proposer needs nothing. Raises ValueError naming the missing folder."""
    d = get_domain(domain)
    if name not in d.learned_proposers or d.is_bound(name):
        return
    path = weights_path(domain, name)
    if not (path / "params.npz").exists():
        raise ValueError(f"compiler.proposer={name} needs the weights in {path} (train them with "
                         f"python -m experiments.train_proposer --domain {domain})")
    d.bind(name, load_cached_net(path, d.learned_proposers[name].net))
