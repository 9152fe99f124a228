"""The symbolic reasoner: runs the compiled RuleSet with the domain's exact executor (the
upper bound). Generic over domains."""

from __future__ import annotations

from compiler import get_domain
from reasoner.registry import get_spec


class SymbolicReasoner:
    name = "symbolic"
    reads = "rules"

    def __init__(self, domain: str):
        self.domain = get_domain(domain)
        self.spec = get_spec(domain, "symbolic")

    def step_fn(self, rules):
        """A jittable `state -> next state` for the cycle detector."""
        return lambda s: self.domain.run_batch(rules, s, 1)

    def rollout(self, rules, states, steps):
        return self.domain.run_batch(rules, states, steps)
