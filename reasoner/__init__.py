"""Reasoners, generic over domains: the registry of what each reasoner is and can do,
answering (incl. votes), the symbolic reasoner, certification and the cycle detector.
A domain's learned reasoners live in `reasoner/<domain>/`."""


from reasoner.answer import Candidate, answer, ranked_answers
from reasoner.certify import certifiable, certify, certify_tables
from reasoner.halting import CycleResult, run_until_cycle
from reasoner.registry import ReasonerSpec, get_spec, reasoner_names
from reasoner.symbolic import SymbolicReasoner

__all__ = ["Candidate", "CycleResult", "ReasonerSpec", "SymbolicReasoner", "answer", "certifiable", "certify",
           "certify_tables", "get_spec", "ranked_answers", "reasoner_names", "run_until_cycle"]

# other `reasoner/` folders on the search path (a plug-in domain kept outside this tree) extend
# this package, so their domains are found by the same discovery as the ones here
from pkgutil import extend_path  # noqa: E402

__path__ = extend_path(__path__, __name__)
