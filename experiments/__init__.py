"""The wiring layer: Hydra apps, run directories, tables and figures."""

import logging

# Hydra's job logging prints INFO from every library; these two are noise at that level.
for _name in ("absl", "jax._src.xla_bridge"):
    logging.getLogger(_name).setLevel(logging.WARNING)
