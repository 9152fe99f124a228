"""Shared command-line behaviour.

A user error (bad config, bad task file, bad rule text) ends a single run with one line on
stderr and exit code 2, no traceback. Any failure also leaves `error.txt` (the error line)
in the run directory, so `experiments.aggregate` can list failed jobs. In a multirun the
error is re-raised instead of exiting, so Hydra records the job as failed and the other
jobs still run.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path

from compiler import domain_names, get_domain
from experiments.core.config import ConfigError
from tasks import TaskFileError

# a domain's rule-text errors (life: RuleSyntaxError) are user errors too
USER_ERRORS = (ConfigError, TaskFileError, *{get_domain(n).syntax_error for n in domain_names()})


class NonFiniteLoss(RuntimeError):
    """Training produced a NaN or infinite loss; the last good checkpoint is kept."""


CONF_DIR = Path(__file__).resolve().parents[2] / "conf"
PLUGIN_LAUNCHERS = ("basic", "joblib", "submitit_local", "submitit_slurm")


def group_options(group: str) -> list[str]:
    """A config group's choices: its YAML files and the options the schema registers
    (experiments/core/config.py: task=<domain>, compiler/train/eval=default)."""
    from hydra.core.config_store import ConfigStore

    options = {p.stem for p in (CONF_DIR / group).glob("*.yaml")}
    try:
        options |= {n.removesuffix(".yaml") for n in ConfigStore.instance().list(group)}
    except OSError:  # no such group in the store
        pass
    options = sorted(options)
    return options + list(PLUGIN_LAUNCHERS) if group == "hydra/launcher" else options


@functools.cache
def _preset_declarations(conf_dir: Path) -> dict[str, tuple[str, str, dict]]:
    """Results name -> (hypothesis, domain, `experiment.report` block) for every YAML
    declaration conf_dir/preset/DOMAIN/HYPOTHESIS.yaml (its `experiment.name`), read once."""
    import yaml

    out = {}
    for path in sorted((conf_dir / "preset").glob("*/*.yaml")):
        experiment = (yaml.safe_load(path.read_text()) or {}).get("experiment", {})
        out[experiment.get("name") or path.stem] = (path.stem, path.parent.name,
                                                    experiment.get("report") or {})
    return out


def preset_reports() -> dict[str, dict]:
    """Results name -> the `experiment.report` block of its declaration (how RESULTS.md
    reports it; empty where the declaration has none)."""
    return {name: report for name, (_, _, report) in _preset_declarations(CONF_DIR).items()}


def declared_presets() -> dict[str, tuple[str, str]]:
    """Results name -> (hypothesis, domain) for every YAML declaration
    conf/preset/DOMAIN/HYPOTHESIS.yaml (its `experiment.name`)."""
    return {name: (h, d) for name, (h, d, _) in _preset_declarations(CONF_DIR).items()}


def check_group_overrides(argv) -> None:
    """Reject `group=choice` overrides naming no config file, before Hydra sees them.

    Hydra answers some of these (e.g. `reasoner=0`) with an internal traceback; this gives
    one line naming the override and the known choices instead.
    """
    groups = [p.name for p in CONF_DIR.iterdir() if p.is_dir() and p.name != "hydra"]
    groups = sorted(set(groups) | {"task", "compiler", "train", "eval"}) + ["hydra/launcher"]
    for arg in argv:
        if arg.startswith("-") or "=" not in arg:
            continue
        key, value = arg.lstrip("+~").split("=", 1)
        key = key.split("@")[0]
        if key not in groups:
            continue
        options = group_options(key)
        for choice in value.split(","):
            if choice not in options:
                raise ConfigError(f"{arg}: unknown choice {choice!r} for {key}; known: "
                                  f"{', '.join(options)}")
    check_declared(argv)


def check_declared(argv) -> None:
    """`experiment=H task=D` needs D's declaration conf/preset/D/H.yaml; name what D has."""
    given = dict(a.lstrip("+~").split("=", 1) for a in argv if not a.startswith("-") and "=" in a)
    if "experiment" not in given:
        return
    for domain in given.get("task", "life").split(","):
        declared = group_options(f"preset/{domain}")
        for hypothesis in given["experiment"].split(","):
            if hypothesis not in declared:
                raise ConfigError(
                    f"task={domain} declares no experiment={hypothesis} (conf/preset/{domain}/"
                    f"{hypothesis}.yaml); it declares: {', '.join(declared) or 'none'}")


def hydra_app(config_name: str, body):
    """A Hydra main that runs `body(cfg, run_dir)` with the project's error handling."""
    import hydra

    @hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name=config_name)
    def main(cfg) -> None:
        from hydra.core.hydra_config import HydraConfig

        run_dir = HydraConfig.get().runtime.output_dir
        with exit_on_user_error(run_dir):
            body(cfg, run_dir)

    return main


def persistent_compile_cache() -> None:
    """Keep compiled programs between runs (JAX's persistent cache, in the user's cache
    folder unless JAX_COMPILATION_CACHE_DIR says where): arc's `solve` compiles its checker,
    executor and rollouts for several shapes, tens of seconds in a fresh process; results
    are unchanged."""
    import jax

    if not os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        folder = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "drafts-compiler" / "jax"
        jax.config.update("jax_compilation_cache_dir", str(folder))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.5)


def main_guard(main) -> None:
    """Run a Hydra main after checking group overrides; one line and exit 2 on a bad one."""
    persistent_compile_cache()
    try:
        check_group_overrides(sys.argv[1:])
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    main()


def _in_multirun() -> bool:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    return HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN


def error_line(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}".splitlines()[0]


@contextmanager
def exit_on_user_error(run_dir=None):
    try:
        yield
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as err:
        if run_dir is not None:
            Path(run_dir).mkdir(parents=True, exist_ok=True)
            (Path(run_dir) / "error.txt").write_text(
                error_line(err) + "\n\n" + traceback.format_exc())
        if _in_multirun():
            raise
        if isinstance(err, (*USER_ERRORS, NonFiniteLoss)):
            print(f"error: {err}", file=sys.stderr)
            sys.exit(2)
        raise
