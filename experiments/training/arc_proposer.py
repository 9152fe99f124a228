"""Train ARC's search guide (compiler/arc/guide_net.py): `python -m experiments.train_proposer
--domain arc`. No ARC-AGI-1 evaluation task and no ARC-AGI-2 task is read: the data are
(a) synthetic tasks, random chains of 1-3 transforms applied to the grids of ARC-AGI-1
*training* tasks (the chain is the label; chains with a step that changes nothing, that is
undefined on a grid, or whose results are blank are dropped), and (b) self-taught
programs: the chains the unguided search finds on ARC-AGI-1 training tasks whose results
equal every demo output (consistency with the demos is the only signal; the test outputs
are never read). The training tasks are split in folds by position (`HELDOUT`: every
fifth task, positions 0, 5, 10, ...): the net never sees the held-out fold, whose
synthetic tasks measure its ranking (the chain's transforms among its top 10) and whose
real tasks the budget curves use (`task.stride=5 task.offset=0`).

The loss is cross-entropy against the chain's transforms (equal mass each), so the net's
log-softmax is a distribution over transforms the best-first search sums along a chain.
The generated data are kept in the run directory, so a resumed run trains on the same data.
"""

from __future__ import annotations

import pickle
import re
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from compiler.arc import programs as P
from compiler.arc import transforms as T
from compiler.arc.guide_net import NUM_TRANSFORMS, GuideNet, task_encoding
from compiler.arc.search import SearchConfig, pieces_of, search, solutions, stacks, task_transforms
from experiments.training.proposer_loop import fit, gradient_step, new_run
from tasks.arc import split_tasks

FOLDS = 5
HELDOUT = 0  # the fold (task position mod FOLDS) the net never sees
PROPOSER = "guided"
LENGTHS, LENGTH_P = (1, 2, 3), (0.3, 0.4, 0.3)  # synthetic chains' lengths
SYNTHETIC = 12_000  # synthetic training tasks
SELF_TAUGHT_SEARCH = (3000, 1.0)  # the unguided search's states and seconds per task


def folds(split: str = "arc1_train"):
    """(seen, held out): ARC-AGI-1 training tasks `(id, parsed)` by position mod FOLDS."""
    tasks = split_tasks(split)
    if split != "arc1_train":
        raise ValueError("the guide trains on ARC-AGI-1 training tasks only")
    seen = [t for i, t in enumerate(tasks) if i % FOLDS != HELDOUT]
    held = [t for i, t in enumerate(tasks) if i % FOLDS == HELDOUT]
    return seen, held


def task_grids(parsed) -> list[np.ndarray]:
    """Every grid a training task shows: demo inputs and outputs, test inputs."""
    grids = [g for pair in parsed["train"] for g in pair] + [x for x, _ in parsed["test"]]
    return [np.asarray(g, np.uint8) for g in grids]


def transform_families() -> list[list[int]]:
    """Transforms grouped by name without their colour argument (`keep_3` -> `keep_`): a
    chain draws a family, then one of its members, so colour variants do not crowd out
    the rest."""
    groups: dict[str, list[int]] = {}
    for t, transform in enumerate(T.TRANSFORMS):
        groups.setdefault(re.sub(r"_[1-9]$", "_", transform.name), []).append(t)
    return list(groups.values())


def synthetic_task(rng: np.random.Generator, grids, families, length: int, pairs: int = 4,
                   tries: int = 8):
    """One synthetic task from one training task's grids: `(pairs, chain)` with a chain of
    `length` steps, each drawn up to `tries` times until it is defined on every grid and
    changes one; None when no draw did, or the results are blank or the inputs."""
    if len(grids) < 2:
        return None
    chosen = rng.choice(len(grids), size=min(pairs, len(grids)), replace=False)
    xs = [grids[i] for i in chosen]
    chain, current = [], xs
    for _ in range(length):
        for _ in range(tries):
            family = families[int(rng.integers(len(families)))]
            t = int(family[int(rng.integers(len(family)))])
            out = [P.step(t, g) for g in current]
            if all(g is not None for g in out) and not all(
                    a.shape == b.shape and np.array_equal(a, b)
                    for a, b in zip(out, current, strict=True)):
                break
        else:
            return None
        chain.append(t)
        current = out
    if not all(g.any() for g in current):
        return None
    if all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(current, xs, strict=True)):
        return None
    return list(zip(xs, current, strict=True)), chain


def synthetic_pool(seed: int, tasks, count: int, progress=print) -> list:
    """`count` synthetic tasks drawn from `tasks`' grids (deterministic from `seed`)."""
    rng = np.random.default_rng([seed, 0xA4C])
    families = transform_families()
    grids = [task_grids(parsed) for _, parsed in tasks]
    out, tries, started = [], 0, time.perf_counter()
    while len(out) < count:
        tries += 1
        length = int(rng.choice(LENGTHS, p=LENGTH_P))
        made = synthetic_task(rng, grids[int(rng.integers(len(grids)))], families, length)
        if made is not None:
            out.append(made)
            if progress and len(out) % 2000 == 0:
                progress(f"synthetic tasks: {len(out)}/{count} ({tries} drawn, "
                         f"{time.perf_counter() - started:.0f} s)")
    return out


def self_taught_pool(tasks, config: SearchConfig, progress=print) -> list:
    """(demo pairs, chain) for every chain the unguided search finds that reproduces every
    demo output of a task (a solution, or a piece of a stack that does), on `tasks`; the
    test outputs are not read."""
    out, started = [], time.perf_counter()
    for n, (_, parsed) in enumerate(tasks):
        inputs = [np.asarray(x, np.uint8) for x, _ in parsed["train"]]
        outputs = [np.asarray(y, np.uint8) for _, y in parsed["train"]]
        tests = [np.asarray(x, np.uint8) for x, _ in parsed["test"]]
        result = search(inputs + tests, config, order=task_transforms(inputs, outputs))
        pieces = pieces_of(result.states, outputs)
        chains = {s.chain for s in solutions(pieces, outputs)[:3]}
        for st in stacks(pieces, inputs, outputs, limit=2):
            chains |= {s.chain for s in st.laid} | ({st.base.chain} if st.base else set())
        pairs = list(zip(inputs, outputs, strict=True))
        out += [(pairs, list(c)) for c in sorted(chains)]
        if progress and (n + 1) % 40 == 0:
            progress(f"self-taught search: {n + 1}/{len(tasks)} tasks, {len(out)} programs "
                     f"({time.perf_counter() - started:.0f} s)")
    return out


def cached(path: Path, make):
    """`make()`, kept in `path` (pickle) so a resumed run reads the same data."""
    if path.exists():
        return pickle.loads(path.read_bytes())
    value = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(value))
    tmp.replace(path)
    return value


def encode(examples) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A batch: canvases, hand features, masks, targets (equal mass on the chain's steps)."""
    encoded = [task_encoding(pairs) for pairs, _ in examples]
    targets = np.zeros((len(examples), NUM_TRANSFORMS), np.float32)
    for i, (_, chain) in enumerate(examples):
        for t in chain:
            targets[i, t] += 1.0 / len(chain)
    return (np.stack([e[0] for e in encoded]), np.stack([e[1] for e in encoded]),
            np.stack([e[2] for e in encoded]), targets)


def top_k_recall(model, examples, k: int = 10, batch: int = 64) -> float:
    """Share of examples whose chain's transforms all lie in the net's top k."""
    hits = []
    for i in range(0, len(examples), batch):
        part = examples[i:i + batch]
        c, h, m, _ = encode(part)
        logits = np.asarray(model(jnp.asarray(c), jnp.asarray(h), jnp.asarray(m)))
        top = np.argsort(-logits, axis=1)[:, :k]
        hits += [set(chain) <= set(row.tolist()) for (_, chain), row in zip(part, top, strict=True)]
    return float(np.mean(hits)) if hits else float("nan")


def train(data: dict, seed: int = 0, steps: int = 3000, batch: int = 32, lr: float = 2e-3,
          width: int = 128, self_taught_share: float = 0.25, log_every: int = 100,
          progress=print, log=None, run_dir=None, checkpoint_every: int = 0):
    """Cross-entropy on batches mixing synthetic and self-taught examples."""
    schedule = optax.cosine_decay_schedule(lr, steps, alpha=0.05)
    run = new_run(GuideNet(width, rngs=nnx.Rngs(seed)), optax.adamw(schedule, weight_decay=1e-4),
                  [seed, 0xA4D])
    synthetic, taught = data["synthetic"], data["self_taught"]
    update = gradient_step(
        lambda net, c, h, m, y: -(y * jax.nn.log_softmax(net(c, h, m), axis=-1)).sum(axis=1).mean())

    def step(run, s):
        n_taught = int(round(batch * self_taught_share)) if taught else 0
        picks = [synthetic[int(i)] for i in run.rng.integers(len(synthetic), size=batch - n_taught)]
        picks += [taught[int(i)] for i in run.rng.integers(len(taught), size=n_taught)] if n_taught else []
        c, h, m, y = encode(picks)
        return {"loss": update(run.model, run.optimizer, jnp.asarray(c), jnp.asarray(h),
                               jnp.asarray(m), jnp.asarray(y))}

    return fit(run, step, steps, log_every, progress, log, run_dir, checkpoint_every)


def make_data(seed: int, run_dir, synthetic: int, heldout_synthetic: int, search_states: int,
              search_seconds: float, progress=print) -> dict:
    """The training and held-out data, generated once per run directory."""
    seen, held = folds()
    root = Path(run_dir) / "data" if run_dir else None

    def keep(name, make):
        return cached(root / f"{name}.pkl", make) if root else make()

    config = SearchConfig(2, search_states, search_seconds)
    return {
        "synthetic": keep("synthetic", lambda: synthetic_pool(seed, seen, synthetic, progress)),
        "self_taught": keep("self_taught", lambda: self_taught_pool(seen, config, progress)),
        "heldout_synthetic": keep("heldout_synthetic",
                                  lambda: synthetic_pool(seed + 1, held, heldout_synthetic, progress)),
        "seen_tasks": len(seen), "heldout_tasks": len(held),
    }


def ranking_rows(model, heldout, taught, ks=(1, 5, 10, 20)) -> list[dict]:
    """Top-k recall (every transform of the chain among the net's k best) on the held-out
    fold's synthetic tasks, all and per chain length, and on the self-taught programs it
    was trained on (a fit, not a held-out measure)."""
    def row(name, examples):
        return {"heldout": name, "tasks": len(examples),
                **{f"top{k}": top_k_recall(model, examples, k) for k in ks}}

    rows = [row("synthetic", heldout)]
    rows += [row(f"synthetic, {n}-step chains", [e for e in heldout if len(e[1]) == n])
             for n in LENGTHS]
    return rows + [row("seen self-taught (fit)", taught)]  # the last row: the fit


def remeasure(path="pretrained/arc-guide", count: int = 1000) -> list[dict]:
    """Recompute a shipped guide's held-out ranking rows (the held-out synthetic tasks
    regenerated from its seed) into its meta.json, keeping its fit row (the self-taught
    programs depend on the search's seconds, so they are not regenerated):
    `python -m experiments.training.arc_proposer`."""
    import json

    from experiments.core.learned_proposers import load_proposer_net
    from experiments.core.runio import write_atomic

    meta_path = Path(path) / "meta.json"
    meta = json.loads(meta_path.read_text())
    model = load_proposer_net(path, GuideNet)
    _, held = folds()
    heldout = synthetic_pool(meta["seed"] + 1, held, count, progress=None)
    fit_rows = [r for r in meta["pass_at_k"] if r["heldout"].startswith("seen")]
    meta["pass_at_k"] = ranking_rows(model, heldout, [])[:-1] + fit_rows
    write_atomic(meta_path, json.dumps(meta, indent=2) + "\n")
    return meta["pass_at_k"]


def train_and_measure(args, log=None):
    """`experiments.train_proposer --domain arc`: (the trained guide, its meta.json)."""
    width = args.width or 128
    started = time.perf_counter()
    data = make_data(args.seed, args.log_dir, getattr(args, "synthetic", SYNTHETIC),
                     args.eval_tasks, getattr(args, "search_states", SELF_TAUGHT_SEARCH[0]),
                     getattr(args, "search_seconds", SELF_TAUGHT_SEARCH[1]))
    data_seconds = time.perf_counter() - started
    print(f"data: {len(data['synthetic'])} synthetic, {len(data['self_taught'])} self-taught "
          f"programs from {data['seen_tasks']} training tasks ({data_seconds:.0f} s)")
    model = train(data, args.seed, args.steps, args.batch, width=width, log=log,
                  run_dir=args.log_dir, checkpoint_every=args.checkpoint_every)
    seconds = time.perf_counter() - started
    ranking = ranking_rows(model, data["heldout_synthetic"], data["self_taught"])
    meta = {"width": width, "steps": args.steps, "batch": args.batch, "seed": args.seed,
            "synthetic": len(data["synthetic"]), "self_taught": len(data["self_taught"]),
            "seen_tasks": data["seen_tasks"], "heldout_tasks": data["heldout_tasks"],
            "heldout_fold": f"ARC-AGI-1 training tasks at positions {HELDOUT} mod {FOLDS}",
            "self_taught_search": dict(zip(("depth", "states", "seconds"),
                                           (2, *SELF_TAUGHT_SEARCH), strict=True)),
            "train_seconds": round(seconds, 1), "data_seconds": round(data_seconds, 1),
            "pass_at_k": ranking}
    return model, meta


if __name__ == "__main__":
    for r in remeasure():
        print(r)
