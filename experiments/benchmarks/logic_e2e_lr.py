"""The logic end-to-end baseline's own learning-rate sweep, judged on the training split only:
`python -m experiments.benchmarks.logic_e2e_lr [--steps 1500] [--root runs/logic_e2e_lr]`.

For each learning rate, trains `reasoner=end_to_end task=logic` (resuming a finished run
directory) and reports the mean one-step training loss of its last 5 logged batches and its
exact accuracy on tasks drawn from *training-split* rule sets at proof depths 1-3 (the
training depths; never held-out rule sets). The best learning rate by that accuracy is
what the logic presets use (`experiment.train_lr.logic_end_to_end`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from omegaconf import OmegaConf

from experiments.core.reasoners import compose_config, wrap
from experiments.core.runio import read_jsonl
from experiments.evaluation.queries import make_eval_tasks, run_reasoner
from experiments.training import loop


def train_split_exact(cfg, reasoner, depths=(1, 2, 3)) -> float:
    from compiler import get_domain
    from tasks import get_tasks

    tasks = make_eval_tasks(cfg, horizons=list(depths), pool="train")
    demos = get_tasks("logic").demo_inputs(tasks)
    domain = get_domain("logic")
    exact = []
    for h in depths:
        queries = [next(q for q in t.queries if q.horizon == h) for t in tasks]
        pred = run_reasoner(reasoner, demos, None, np.stack([q.input for q in queries]), h)
        truth = np.stack([q.answer for q in queries])
        correct = domain.correct(pred, truth)
        scored = domain.scored(truth)
        exact += [bool(c[s].all()) for c, s in zip(correct, scored, strict=True)]
    return float(np.mean(exact))


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lrs", type=float, nargs="+", default=[1e-3, 3e-3, 1e-2])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--root", type=Path, default=Path("runs/logic_e2e_lr"))
    args = parser.parse_args(argv)
    rows = []
    for lr in args.lrs:
        cfg = compose_config("train", ["task=logic", "reasoner=end_to_end", f"train.lr={lr}",
                                       f"train.steps={args.steps}", "train.num_demos=8",
                                       f"eval.num_tasks={args.tasks}"])
        run_dir = args.root / f"lr={lr:g}"
        model = loop.run(cfg, run_dir)
        run_dir.joinpath("config.yaml").write_text(OmegaConf.to_yaml(cfg))
        logged = [r for r in read_jsonl(run_dir / "metrics.jsonl") if "step_loss" in r]
        rows.append({"lr": lr, "train_loss_last5": float(np.mean([r["step_loss"] for r in logged[-5:]])),
                     "train_split_exact_depth_1_3": train_split_exact(cfg, wrap(cfg, model))})
    print("| lr | one-step training loss (last 5 logs) | exact on training-split tasks, depths 1-3 |")
    print("| --- | --- | --- |")
    for r in rows:
        exact = 100 * r["train_split_exact_depth_1_3"]
        print(f"| {r['lr']:g} | {r['train_loss_last5']:.4f} | {exact:.1f}% |")
    best = max(rows, key=lambda r: r["train_split_exact_depth_1_3"])
    print(f"best: lr={best['lr']:g}")
    return rows


if __name__ == "__main__":
    main()
