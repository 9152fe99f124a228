"""Train the learned logic proposer (compiler/logic/proposer_net.py) with teacher forcing on
training-split rule sets (`train`), or self-taught on the checker's verdicts with no true
rule set (`train_self_taught`), and measure pass@K on held-out ones.

Tasks are the logic generator's (tasks/logic.py, `task.*` defaults: 32 atoms, depth 3, 16
rules), 8 or 32 demos, generated once into a pool (host NumPy, ~50 ms a task); each step
draws a batch from one demo count. Deterministic from the seed.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from compiler import get_domain
from compiler.checker import check
from compiler.logic.proposer_net import (
    TOKENS_PER_RULE,
    LogicProposerNet,
    decode,
    pooled_features,
    rule_tokens,
    sample_rule_sets,
    sequence_log_probs,
    teacher_forced_loss,
    tokens_to_rules,
)
from compiler.logic.rules import BODY
from experiments.training.proposer_loop import fit, gradient_step, measured, new_run, pass_rates
from tasks.logic import LogicTaskConfig, make_task

TRAIN_RULES = 20  # rules of a training sequence: depth-3 rule sets have at most 16


def task_pool(seed: int, size: int, num_demos: int, split: str = "train"):
    """(tasks, `[P, N, 2A, 5]`, `[P, 2A, 2A, 3]`, `[P, T]` targets)."""
    cfg = LogicTaskConfig(num_demos=num_demos)
    rng = np.random.default_rng([seed, 0x1060, num_demos, split == "train"])
    tasks = [make_task(rng, i, cfg, [1], split) for i in range(size)]
    feats = [pooled_features(t.demos) for t in tasks]
    atoms = feats[0][2]
    targets = np.stack([rule_tokens(t.rule, atoms, TRAIN_RULES) for t in tasks])
    return tasks, np.stack([f[0] for f in feats]), np.stack([f[1] for f in feats]), targets


# `step(model, optimizer, per, pair, targets) -> loss`: one teacher-forced step on target
# sequences `[B, T]`
step = gradient_step(teacher_forced_loss)


@nnx.jit
def favourite(model, per, pair, cands, valid):
    """Index `[B]` of each task's most likely valid candidate sequence `[B, C, T]`."""
    b, c, t = cands.shape
    logp, _ = sequence_log_probs(model, jnp.repeat(per, c, axis=0), jnp.repeat(pair, c, axis=0),
                                 cands.reshape(b * c, t))
    return jnp.argmax(jnp.where(valid, logp.reshape(b, c), -jnp.inf), axis=1)


def new_net(seed: int, width: int, lr: float, steps: int, rng_seed, key=None, carried=None):
    """A run of a fresh LogicProposerNet (warm-up, cosine decay, clipped Adam)."""
    schedule = optax.warmup_cosine_decay_schedule(0.0, lr, min(100, steps // 10), steps, lr * 0.05)
    return new_run(LogicProposerNet(width, rngs=nnx.Rngs(seed)),
                   optax.chain(optax.clip_by_global_norm(1.0), optax.adam(schedule)), rng_seed,
                   key, carried)


def train(seed: int = 0, steps: int = 1500, batch: int = 32, lr: float = 3e-3, width: int = 64,
          pool_size: int = 1024, demo_counts=(8, 32), log_every: int = 100, progress=print,
          log=None, run_dir=None, checkpoint_every: int = 0):
    pools = [task_pool(seed, pool_size // len(demo_counts), n) for n in demo_counts]
    run = new_net(seed, width, lr, steps, [seed, 0x57E9])

    def one_step(run, s):
        _, per, pair, targets = pools[s % len(pools)]
        pick = run.rng.choice(len(per), size=batch)
        return {"loss": step(run.model, run.optimizer, jnp.asarray(per[pick]), jnp.asarray(pair[pick]),
                             jnp.asarray(targets[pick]))}

    return fit(run, one_step, steps, log_every, progress, log, run_dir, checkpoint_every)


def pass_at_k(model, seed: int, num_tasks: int, num_demos: int, ks=(1, 4, 16, 64)) -> dict:
    """Share of held-out tasks with a rule set equivalent to the truth among the first k
    drafts (and among those that reproduce the demos)."""
    domain = get_domain("logic")
    tasks = task_pool(seed + 1000, num_tasks, num_demos, split="heldout")[0]
    top = max(ks)
    rank = []
    for i, t in enumerate(tasks):
        drafts, _ = sample_rule_sets(model, t.demos, top, jax.random.key(i))
        same = np.asarray(domain.equivalent(drafts, t.rule, t.demos)) if len(drafts) else np.zeros(0, bool)
        hit = np.nonzero(same)[0]
        rank.append(int(hit[0]) if len(hit) else top)
    return pass_rates(rank, ks)


def verified_drafts(domain, tasks, drafts_per_task: list, out: list, num_atoms: int) -> int:
    """Append to `out[i]` the token sequences (`rule_tokens`, written once here rather than
    every step they are trained on) of the drafts of `drafts_per_task[i]` the checker
    accepts on task i's demos (every demo reproduced, self-consistent), without repeats;
    returns how many."""
    added = 0
    for i, (task, drafts) in enumerate(zip(tasks, drafts_per_task, strict=True)):
        if not len(drafts):
            continue
        scores = check(domain, drafts, task.demos, with_blame=False)
        known = {t.tobytes() for t in out[i]}
        for d in drafts[scores.exact & scores.self_consistent]:
            tokens = rule_tokens(d, num_atoms, TRAIN_RULES)
            if tokens.tobytes() not in known:
                known.add(tokens.tobytes())
                out[i].append(tokens)
                added += 1
    return added


def own_samples(model, per, pair, key, samples: int, num_atoms: int, chunk: int = 64) -> list:
    """Per task, the distinct canonical rule sets among `samples` decodes of the net."""
    out = []
    for start in range(0, len(per), chunk):
        key, sub = jax.random.split(key)
        tokens, _ = decode(model, jnp.asarray(per[start:start + chunk]),
                           jnp.asarray(pair[start:start + chunk]), sub, samples, TRAIN_RULES)
        for row in np.asarray(tokens):
            sets = {}
            for seq in row:
                rules = tokens_to_rules(seq, num_atoms)
                if (rules[:, BODY] > 0).any():
                    sets.setdefault(rules.tobytes(), rules)
            out.append(np.stack(list(sets.values())) if sets else np.zeros((0, 1, 4), np.int16))
    return out


def train_self_taught(seed: int = 0, steps: int = 1500, batch: int = 32, lr: float = 3e-3,
                      width: int = 64, pool_size: int = 1024, demo_counts=(8, 32),
                      induce_drafts: int = 16, samples: int = 8, refresh_every: int = 500,
                      candidates: int = 8, log_every: int = 100, progress=print, log=None,
                      run_dir=None, checkpoint_every: int = 0):
    """The same network trained with *no true rules* (the pools' rule sets are dropped):
    expert iteration on the checker's verdicts. Every training task keeps the drafts the
    checker accepts (reproduce every demo, self-consistent): `induce`'s first
    `induce_drafts`, and every `refresh_every` steps the net's own `samples` decodes. Each
    step, a task's target is the accepted draft the net itself finds most likely (of up to
    `candidates`): the net sharpens onto one of the explanations the demos allow, its own
    favourite. Tasks with no accepted draft are not trained on."""
    domain = get_domain("logic")
    pools = [task_pool(seed, pool_size // len(demo_counts), n)[:3] for n in demo_counts]
    atoms = pools[0][0][0].demos.facts.shape[1]
    verified = [[[] for _ in tasks] for tasks, _, _ in pools]
    for p, (tasks, _, _) in enumerate(pools):
        proposed = [domain.proposers["induce"](jax.random.key(seed * 7919 + 1000 * p + i), t.demos,
                                               induce_drafts)[0] for i, t in enumerate(tasks)]
        n = verified_drafts(domain, tasks, proposed, verified[p], atoms)
        if progress:
            progress(f"{demo_counts[p]} demos: {n} accepted induce drafts, "
                     f"{sum(map(bool, verified[p]))}/{len(tasks)} tasks with one")
    # the accepted drafts travel with the run (and its checkpoints) as token lists
    run = new_net(seed, width, lr, steps, [seed, 0x5E1F], jax.random.key(seed),
                  {"verified": [[[t.tolist() for t in task] for task in pool] for pool in verified]})

    def one_step(run, s):
        verified = run.carried["verified"]
        if s and s % refresh_every == 0:
            for p, (tasks, per, pair) in enumerate(pools):
                run.key, sub = jax.random.split(run.key)
                found = [[np.asarray(t, np.int32) for t in task] for task in verified[p]]
                n = verified_drafts(domain, tasks, own_samples(run.model, per, pair, sub, samples, atoms),
                                    found, atoms)
                verified[p] = [[t.tolist() for t in task] for task in found]
                if progress:
                    progress(f"step {s}: {n} of the net's own drafts accepted ({demo_counts[p]} demos)")
        p = s % len(pools)
        tasks, per, pair = pools[p]
        usable = [i for i, v in enumerate(verified[p]) if v]
        pick = run.rng.choice(usable, size=batch)
        cands = np.full((batch, candidates, TRAIN_RULES * TOKENS_PER_RULE + 1), -1, np.int32)
        valid = np.zeros((batch, candidates), bool)
        for b, i in enumerate(pick):
            options = verified[p][i]
            chosen = run.rng.choice(len(options), size=min(candidates, len(options)), replace=False)
            cands[b, :len(chosen)] = [options[j] for j in chosen]
            valid[b, :len(chosen)] = True
        per_b, pair_b = jnp.asarray(per[pick]), jnp.asarray(pair[pick])
        best = np.asarray(favourite(run.model, per_b, pair_b, jnp.asarray(cands), jnp.asarray(valid)))
        targets = jnp.asarray(cands[np.arange(batch), best])
        return {"loss": step(run.model, run.optimizer, per_b, pair_b, targets)}

    return fit(run, one_step, steps, log_every, progress, log, run_dir, checkpoint_every)


def train_and_measure(args, log=None):
    """`experiments.train_proposer --domain logic`: teacher forcing (or expert iteration
    when self-taught) on training-split rule sets at 8 and 32 demos, pass@K on held-out rule
    sets per demo count: (the trained net, its meta.json)."""
    heldout = min(args.eval_tasks, 100)

    def measure(model):
        return [{"num_demos": n, **pass_at_k(model, args.seed, heldout, n)} for n in (8, 32)], heldout

    return measured(args, train_self_taught if args.self_taught else train, measure,
                    args.width or 64, min(args.batch, 32), log, meta={"domain": "logic"})
