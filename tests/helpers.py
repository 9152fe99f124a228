"""Shared by tests: compose configs and run the apps as subprocesses."""

import os
import subprocess
import sys
from pathlib import Path

from hydra import compose, initialize_config_dir

import experiments.core.config  # noqa: F401  (registers the schema)

ROOT = Path(__file__).resolve().parents[1]
CONF = str(ROOT / "conf")


def cfg_for(*overrides, name="train"):
    with initialize_config_dir(config_dir=CONF, version_base="1.3"):
        return compose(config_name=name, overrides=["train=tiny", "eval=tiny", *overrides])


def python_env(**extra):
    """This environment for an app the test starts: the tests' compile cache and XLA flags
    (conftest.py) kept, other XLA_/JAX_ settings dropped; `XLA_FLAGS` in `extra` are added to
    the tests' flags."""
    keep = ("JAX_COMPILATION_CACHE_DIR", "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "XLA_FLAGS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLA_", "JAX_")) or k in keep}
    if "XLA_FLAGS" in extra:
        extra["XLA_FLAGS"] = f"{env.get('XLA_FLAGS', '')} {extra['XLA_FLAGS']}".strip()
    env.update(PYTHONPATH=str(ROOT), **extra)
    return env


def run_cli(module, *args, cwd, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env or python_env())


def run_app_in_process(config_name, body, *args, cwd) -> None:
    """Run a Hydra app (`experiments.core.cli.hydra_app(config_name, body)`) in this process,
    as `python -m APP *args` would from `cwd`: no interpreter start-up, and the jitted
    functions compiled by one run serve the next (the preset tests run thirteen sweeps)."""
    from hydra.core.global_hydra import GlobalHydra

    from experiments.core.cli import hydra_app

    argv, here = sys.argv, os.getcwd()
    sys.argv = [config_name, *args]
    os.chdir(cwd)
    try:
        hydra_app(config_name, body)()
    finally:
        sys.argv = argv
        os.chdir(here)
        GlobalHydra.instance().clear()
