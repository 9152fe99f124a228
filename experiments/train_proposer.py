"""Train a domain's proposer net and ship it: `python -m experiments.train_proposer
[--domain life] [--proposer NAME] [--steps 2000] [--seed 0] [--self-taught] [--out DIR]`.

Every domain that declares learned proposers (`Domain.learned_proposers`) can be trained
here; its trainer is the module the learned proposer names (`LearnedProposer.trainer`), or
else `experiments/training/<domain>_proposer.py`, whose `train_and_measure(args, log) ->
(net, meta)` trains (supervised by the true rules, or `--self-taught`: on the checker's
verdicts only) and measures pass@K on held-out rules. The proposer is `--proposer`, by
default `neural` (`neural_self_taught` with `--self-taught`) or the domain's only learned
proposer; the net and `meta.json` go to `--out` (default: the folder that proposer loads,
e.g. `pretrained/life-proposer`); the training curves (`metrics.jsonl` and TensorBoard
scalars) and checkpoints (every `--checkpoint-every` steps) to `--log-dir`; rerunning with
the same `--log-dir` resumes. Every trainer runs in the one training loop of
experiments/training/fit.py (through experiments/training/proposer_loop.py), the
reasoners' loop too.
- life (experiments/training/life_proposer.py): the hard regimes, hindsight pairs when
  self-taught;
- logic (experiments/training/logic_proposer.py): teacher forcing on training-split rule
  sets at 8 and 32 demos, expert iteration when self-taught.
"""

from __future__ import annotations

import argparse
import importlib
import time

from compiler import domain_names, get_domain
from experiments.core.learned_proposers import save_proposer_net, weights_path
from experiments.core.metrics import MetricsLog
from experiments.training.fit import resume_step


def trainable_domains() -> list[str]:
    """The domains with learned proposers (and so a trainer module)."""
    return [d for d in domain_names() if get_domain(d).learned_proposers]


def default_proposer(domain: str, self_taught: bool) -> str:
    """`neural` (`neural_self_taught`), or the domain's only learned proposer."""
    learned = get_domain(domain).learned_proposers
    wanted = "neural_self_taught" if self_taught else "neural"
    if wanted in learned or len(learned) != 1:
        return wanted
    return next(iter(learned))


def trainer_module(domain: str, proposer: str):
    """The module that trains `proposer` of `domain`: the one it declares, else
    `experiments.training.<domain>_proposer`."""
    spec = get_domain(domain).learned_proposers.get(proposer)
    if spec is None:
        raise SystemExit(f"--proposer {proposer}: not a learned proposer of {domain}; learned: "
                         f"{sorted(get_domain(domain).learned_proposers)}")
    return importlib.import_module(spec.trainer or f"experiments.training.{domain}_proposer")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", choices=trainable_domains(), default="life")
    parser.add_argument("--proposer", default=None,
                        help="the learned proposer whose weights are trained (default: neural, "
                             "neural_self_taught with --self-taught, or the domain's only one)")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--width", type=int, default=None,
                        help="the net's width (default: the domain trainer's)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval-tasks", type=int, default=200)
    parser.add_argument("--self-taught", action="store_true",
                        help="no true rules: the checker's verdicts on the net's own drafts")
    parser.add_argument("--explore", type=float, default=0.25,
                        help="life self-taught: share of entries re-drawn in hindsight samples")
    parser.add_argument("--out", default=None)
    parser.add_argument("--log-dir", default=None,
                        help="metrics.jsonl and TensorBoard events (default: "
                             "runs/train_proposer/<domain>-<proposer>-<time>)")
    parser.add_argument("--checkpoint-every", type=int, default=100,
                        help="checkpoint the net, optimizer and data state into --log-dir every N "
                             "steps (0: never); rerunning with the same --log-dir resumes")
    parser.add_argument("--no-tensorboard", action="store_true",
                        help="metrics.jsonl only, no TensorBoard event file")
    args = parser.parse_args(argv)
    proposer = args.proposer or default_proposer(args.domain, args.self_taught)
    trainer = trainer_module(args.domain, proposer)
    log_dir = args.log_dir = args.log_dir or (f"runs/train_proposer/{args.domain}-{proposer}-"
                                              f"{time.strftime('%Y-%m-%d_%H-%M-%S')}")
    with MetricsLog(log_dir, tensorboard=not args.no_tensorboard,
                    resume_step=resume_step(log_dir)) as metrics:
        model, meta = trainer.train_and_measure(args, log=metrics.write)
    print(f"training curves: {log_dir} (tensorboard --logdir {log_dir})")
    out = args.out or str(weights_path(args.domain, proposer))
    return ship(model, out, meta)


def ship(model, out, meta: dict) -> dict:
    """Write the net and its `meta.json` to `out`; print the held-out pass@K."""
    save_proposer_net(model, out, meta)
    for r in meta["pass_at_k"]:
        print(r)
    print(f"trained in {meta['train_seconds']:.0f} s -> {out}")
    return meta


if __name__ == "__main__":
    main()
