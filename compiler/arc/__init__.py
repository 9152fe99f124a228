"""The `arc` domain: ARC-AGI grids compiled into readable cell rules
(`self=0 & ray_n=3 -> 3`), checked on the demos and, for self-contradiction, on the test
inputs, run once or to a fixed point.

Grids sit on a fixed 30 x 30 canvas padded with OUT (compiler/arc/features.py), so one
compiled executor and checker serve every task whatever its sizes.
"""

from compiler.arc.checker import Demos
from compiler.arc.domain import DOMAIN, ArcDomain
from compiler.arc.features import CANVAS, FEATURES, OUT
from compiler.arc.grids import from_canvas, to_canvas
from compiler.arc.rules import MAX_RULES, RuleSyntaxError, format_rules, parse_rules

__all__ = ["CANVAS", "DOMAIN", "FEATURES", "MAX_RULES", "OUT", "ArcDomain", "Demos",
           "RuleSyntaxError", "format_rules", "from_canvas", "parse_rules", "to_canvas"]
