"""Learned proposers in the compiler's registries (the wiring: `compiler/` does no file I/O).

`pretrained/life-proposer/` holds a trained `ProposerNet` (`params.npz`, `meta.json`); on
import, life's registry gains `compiler.proposer=neural` (and `hybrid`, and
`neural_mean_field`: its logits start the mean-field refinement), which load the net
the first time they are called; `pretrained/life-proposer-self-taught/` (trained without
true rules) gives `compiler.proposer=neural_self_taught`. `save_proposer_net` and
`load_proposer_net` write and read such a folder (arrays only: device-neutral).
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
from compiler.life.mean_field import mean_field_proposer
from compiler.life.proposer_net import ProposerNet, demo_logits, neural_proposer
from compiler.life.proposers import search_from
from compiler.logic.proposer_net import LogicProposerNet, rule_set_log_probs, sample_rule_sets
from compiler.logic.proposers import ranked_induce
from compiler.logic.rules import RULE_DTYPE
from experiments.core.runio import write_atomic

ROOT = Path(__file__).resolve().parents[2]
LIFE_PROPOSER = ROOT / "pretrained" / "life-proposer"
LIFE_SELF_TAUGHT = ROOT / "pretrained" / "life-proposer-self-taught"  # no true rules seen
LOGIC_PROPOSER = ROOT / "pretrained" / "logic-proposer"
LOGIC_SELF_TAUGHT = ROOT / "pretrained" / "logic-proposer-self-taught"  # no true rule sets seen


def save_proposer_net(model: ProposerNet, path, meta: dict) -> None:
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


def _life_neural(path=LIFE_PROPOSER):
    return neural_proposer(load_cached_net(path))


def _propose_life_neural(key, demos, num_drafts, config=None, truth=None):
    """The shipped life proposer (pretrained/life-proposer), loaded on first use."""
    return _life_neural()(key, demos, num_drafts, config, truth)


def _propose_life_self_taught(key, demos, num_drafts, config=None, truth=None):
    """The self-taught net (pretrained/life-proposer-self-taught), loaded on first use."""
    return _life_neural(LIFE_SELF_TAUGHT)(key, demos, num_drafts, config, truth)


# the hybrid: the shipped net's most likely tables start induce's hill climbing (h > 1)
_propose_life_hybrid = search_from(_propose_life_neural)

# the shipped net's logits are the first start of the mean-field refinement (the others random)
_propose_life_neural_mean_field = mean_field_proposer(
    lambda groups: demo_logits(load_cached_net(LIFE_PROPOSER), groups))


def _logic_sampler(path):
    def propose(key, demos, num_drafts, config=None, truth=None):
        """The greedy decode of the net at `path`, then distinct samples by log-probability
        (fewer than K when the samples repeat)."""
        drafts, logp = sample_rule_sets(load_cached_net(path, LogicProposerNet), demos,
                                        num_drafts, key)
        return drafts.astype(RULE_DTYPE), {"distinct_samples": len(drafts),
                                            "best_log_prob": logp[0] if logp else None}

    return propose


_propose_logic_neural = _logic_sampler(LOGIC_PROPOSER)  # pretrained/logic-proposer
_propose_logic_self_taught = _logic_sampler(LOGIC_SELF_TAUGHT)


# the logic hybrid: induce's combinations of covers ranked by the shipped logic proposer's
# log-probability (self-consistent first)
_propose_logic_hybrid = ranked_induce(lambda demos, drafts: rule_set_log_probs(
    load_cached_net(LOGIC_PROPOSER, LogicProposerNet), demos, drafts))


def install() -> None:
    if (LIFE_PROPOSER / "params.npz").exists():
        life = get_domain("life").proposers
        life.setdefault("neural", _propose_life_neural)
        life.setdefault("hybrid", _propose_life_hybrid)
        life.setdefault("neural_mean_field", _propose_life_neural_mean_field)
    if (LOGIC_PROPOSER / "params.npz").exists():
        get_domain("logic").proposers.setdefault("neural", _propose_logic_neural)
        get_domain("logic").proposers.setdefault("hybrid", _propose_logic_hybrid)
    if (LOGIC_SELF_TAUGHT / "params.npz").exists():
        get_domain("logic").proposers.setdefault("neural_self_taught", _propose_logic_self_taught)
    if (LIFE_SELF_TAUGHT / "params.npz").exists():
        get_domain("life").proposers.setdefault("neural_self_taught", _propose_life_self_taught)


install()
