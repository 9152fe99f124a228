"""Train a reasoner, then evaluate it: `python -m experiments.train [overrides]`.

The loop is experiments/training/loop.py (data for step s depends only on (seed, s), so an
interrupted run rerun in the same run directory resumes to the same parameters).
"""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from experiments import evaluate
from experiments.core.mesh import init_distributed
from experiments.training.loop import run


def train_and_evaluate(cfg: DictConfig, run_dir) -> None:
    """The app: join a multi-host run if asked, train, then evaluate in the run directory."""
    init_distributed(cfg.distributed)
    model = run(cfg, Path(run_dir))
    if cfg.train.eval_after:
        evaluate.run(cfg, run_dir, model=model)


__all__ = ["run", "train_and_evaluate"]

if __name__ == "__main__":
    from experiments.core.cli import hydra_app, main_guard

    main_guard(hydra_app("train", train_and_evaluate))
