"""Each domain's own report, found as the domains are: `experiments/reporting/<domain>_report.py`
for every name `compiler.domain_names()` lists (a domain without one has only the generic
sections and figures, from its declarations in conf/preset/DOMAIN/).

A domain report module may define (each optional):

- `EXTRAS`: {name: fn(rows, meta, ks, report) -> (sentences, text)}, what a drafts section's
  declaration names in `extras`;
- `SECTIONS`: [(results name, title, writer(rows, meta) -> (sentences, table))], RESULTS.md
  sections that are no preset (they sit after the domain's presets);
- `COMMANDS`: {results name: the command that made it};
- `appendix(results, figures) -> (title, sentences, body lines) | None`: a RESULTS.md block
  from results that are no summary (e.g. ARC's benchmark runs);
- `figures(results, out) -> [paths]`: figures that are no preset's.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def domain_reports() -> dict[str, ModuleType]:
    """{domain: its report module} for every discovered domain that has one."""
    from compiler import domain_names

    found = {}
    for domain in domain_names():
        module = f"experiments.reporting.{domain}_report"
        try:
            found[domain] = importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:  # the report exists but imports something missing
                raise
    return found


def extras() -> dict:
    """Every domain report's EXTRAS, merged (a name two domains define is an error)."""
    out: dict = {}
    for domain, module in domain_reports().items():
        mine = getattr(module, "EXTRAS", {})
        if clash := set(out) & set(mine):
            raise ValueError(f"{domain}'s report redefines extras {sorted(clash)}")
        out.update(mine)
    return out


def commands() -> dict:
    """{results name: command} of every domain report's COMMANDS."""
    return {name: c for module in domain_reports().values()
            for name, c in getattr(module, "COMMANDS", {}).items()}
