"""The `toy` domain (tests only): a RuleSet `[4]` maps each colour to its next colour."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from compiler.domain import DemoCheck, Domain, as_groups, host_rng

COLOURS = 4


@dataclass
class Demos:
    """Demo pairs of one shape: `inputs`, `outputs` `[N, H, W]` colours 0-3."""

    inputs: np.ndarray
    outputs: np.ndarray


def step_map(rule, grid):
    return rule[grid]


@partial(jax.jit)
def run_batch_jit(rules, states, steps):
    """`[B, 4]` maps on `[B, H, W]` grids, `steps` traced."""
    return jax.lax.fori_loop(0, steps, lambda _, s: jax.vmap(step_map)(rules, s), states)


def check_one(rule, demo, params):
    x, y = demo
    wrong = step_map(rule, x) != y
    blame = jnp.zeros(COLOURS, jnp.int32).at[x.ravel()].add(wrong.ravel().astype(jnp.int32))
    return wrong.sum(), blame


def propose_random(key, demos, num_drafts, config=None, truth=None):
    return host_rng(key).integers(0, COLOURS, (num_drafts, COLOURS)).astype(np.uint8), {}


def propose_exhaustive(key, demos, num_drafts, config=None, truth=None):
    every = (np.arange(COLOURS ** COLOURS)[:, None] // COLOURS ** np.arange(COLOURS)) % COLOURS
    return every.astype(np.uint8)[:num_drafts], {}


def propose_induce(key, demos, num_drafts, config=None, truth=None):
    """Read each seen colour's image off the demos; unseen colours: identity first, then
    every other colour (so the drafts differ where the demos say nothing)."""
    seen = {}
    for group in as_groups(demos):
        for x, y in zip(group.inputs, group.outputs, strict=True):
            for c, d in zip(x.ravel(), y.ravel(), strict=True):
                seen.setdefault(int(c), int(d))
    free = [c for c in range(COLOURS) if c not in seen]
    drafts = []
    for k in range(COLOURS ** len(free)):
        rule = np.arange(COLOURS, dtype=np.uint8)
        for c, d in seen.items():
            rule[c] = d
        for j, c in enumerate(free):
            rule[c] = (c + (k // COLOURS ** j)) % COLOURS
        drafts.append(rule)
    return np.stack(drafts[:num_drafts]), {"unseen": len(free)}


class ToyDomain(Domain):
    name = "toy"
    rule_shape = (COLOURS,)
    blame_shape = (COLOURS,)
    proposers = {"random": propose_random, "exhaustive": propose_exhaustive,
                 "induce": propose_induce}

    def to_text(self, rule, names=None) -> str:
        return " ".join(f"{c}>{int(d)}" for c, d in enumerate(np.asarray(rule)))

    def from_text(self, text: str, names=None) -> np.ndarray:
        pairs = re.findall(r"(\d)>(\d)", text)
        if len(pairs) != COLOURS:
            raise ValueError(f"toy rule {text!r}: expected {COLOURS} pairs c>d")
        return np.array([int(d) for _, d in sorted(pairs)], np.uint8)

    def well_formed(self, drafts):
        return (np.asarray(drafts) < COLOURS).all(axis=1)

    def blamed(self, draft, blame):
        return [f"{c}>{int(draft[c])}" for c in np.nonzero(np.asarray(blame))[0]]

    def run_batch(self, rules, states, steps):
        return run_batch_jit(jnp.asarray(rules, jnp.uint8), jnp.asarray(states, jnp.uint8),
                             jnp.asarray(steps, jnp.int32))

    def run_reference(self, rule, state, steps: int):
        state = np.asarray(state).copy()
        for _ in range(steps):
            state = np.array([[rule[c] for c in row] for row in state], np.uint8)
        return state

    def reference_wrong(self, rule, group):
        return np.array([int((self.run_reference(rule, x, 1) != y).sum())
                         for x, y in zip(group.inputs, group.outputs, strict=True)])

    def demo_check(self, group, with_blame: bool) -> DemoCheck:
        return DemoCheck(check_one, (jnp.asarray(group.inputs), jnp.asarray(group.outputs)), ())

    def demo_units(self, group) -> int:
        return int(np.asarray(group.outputs).size)

    def combine(self, outputs, weight, commit=1.0):
        """Per cell, the colour most voters give (ties: the smaller colour)."""
        votes = (outputs[..., None] == np.arange(COLOURS)) * weight[:, :, None, None, None]
        return votes.sum(axis=1).argmax(axis=-1).astype(np.uint8)


DOMAIN = ToyDomain()
