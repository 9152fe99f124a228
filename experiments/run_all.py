"""Every hypothesis on every domain that declares it: what `make experiments` runs.

    python -m experiments.run_all [--domains life,logic] [--hypotheses drafts,selection]
        [--scale small] [-- HYDRA OVERRIDES...]

For each domain (in order) and each hypothesis (conf/experiment/, in HYPOTHESES order)
with a declaration conf/preset/DOMAIN/HYPOTHESIS.yaml: the Hydra multirun
`experiments.job -m experiment=HYPOTHESIS task=DOMAIN scale=S ...`, then
`experiments.aggregate` into results/NAME/ (NAME from the declaration). A third domain
joins by adding its declarations; nothing here names a domain. Finished jobs are skipped,
so a rerun resumes; a sweep with failed jobs is reported and the next one still runs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from experiments.core.cli import CONF_DIR, group_options
from experiments.core.reasoners import compose_config

# the order runs go in (short ones first); a hypothesis not listed here runs last
HYPOTHESES = ("drafts", "drafts_few_demos", "selection", "inconsistency", "consistency_check",
              "undetermined", "undetermined_causal", "counterfactual", "test_time")


def declared(domains, hypotheses=None) -> list[tuple[str, str]]:
    """(hypothesis, domain) pairs with a declaration, domains in the given order."""
    known = sorted(p.stem for p in (CONF_DIR / "experiment").glob("*.yaml"))
    order = [h for h in HYPOTHESES if h in known] + [h for h in known if h not in HYPOTHESES]
    if hypotheses:
        unknown = sorted(set(hypotheses) - set(known))
        if unknown:
            raise SystemExit(f"error: unknown hypotheses {unknown}; known: {known}")
        order = [h for h in order if h in hypotheses]
    pairs = []
    for domain in domains:
        options = group_options(f"preset/{domain}")
        if not options:
            raise SystemExit(f"error: task={domain} declares no preset (conf/preset/{domain}/)")
        pairs += [(h, domain) for h in order if h in options]
    return pairs


def results_name(hypothesis: str, domain: str) -> str:
    return compose_config("job", [f"experiment={hypothesis}", f"task={domain}"]).experiment.name


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", default="life,logic", help="comma-separated task domains")
    parser.add_argument("--hypotheses", default="", help="comma-separated; default: all declared")
    parser.add_argument("--scale", default="small")
    parser.add_argument("--dry-run", action="store_true", help="print the commands only")
    parser.add_argument("overrides", nargs="*", help="passed to every multirun (after --)")
    args = parser.parse_args(argv)
    pairs = declared([d for d in args.domains.split(",") if d],
                     [h for h in args.hypotheses.split(",") if h])
    py = sys.executable
    for hypothesis, domain in pairs:
        name = results_name(hypothesis, domain)
        job = [py, "-m", "experiments.job", "-m", f"experiment={hypothesis}", f"task={domain}",
               f"scale={args.scale}", *args.overrides]
        agg = [py, "-m", "experiments.aggregate", f"results/{name}/runs", "--name", name]
        print(f"== {hypothesis} on {domain} -> results/{name}/", flush=True)
        if args.dry_run:
            print(" ".join(job[1:]) + "\n" + " ".join(agg[1:]))
            continue
        if subprocess.run(job).returncode != 0:
            print(f"{hypothesis} on {domain}: some jobs failed (listed in results/{name}/summary.md)")
        if subprocess.run(agg, stdout=subprocess.DEVNULL).returncode != 0:
            raise SystemExit(f"error: aggregating results/{name}/runs failed")


if __name__ == "__main__":
    main()
