"""The compiler, generic over domains: propose drafts, check them, select a survivor.

`compile(domain, demos, key, config) -> Compiled`; `check(domain, drafts, demos) -> Scores`;
the selectors in `SELECTORS`; `get_domain(name)` finds a domain's rule language
(`compiler/<name>/`: RuleSet, executor, proposers). Life's names live in `compiler.life`.
"""


from compiler.checker import Scores, check
from compiler.domain import DemoCheck, Domain, domain_names, get_domain
from compiler.pipeline import Compiled, CompilerConfig, check_and_select, compile, propose_key, reselect
from compiler.selectors import SELECTORS

__all__ = ["SELECTORS", "Compiled", "CompilerConfig", "DemoCheck", "Domain", "Scores", "check",
           "check_and_select", "compile", "domain_names", "get_domain", "propose_key", "reselect"]

# other `compiler/` folders on the search path (a plug-in domain kept outside this tree) extend
# this package, so their domains are found by the same discovery as the ones here
from pkgutil import extend_path  # noqa: E402

__path__ = extend_path(__path__, __name__)
