import os
import sys
from pathlib import Path

# Tests run on the CPU and must not grab all memory on a GPU machine either.
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

# The toy third domain (tests/plugins/README.md) joins the packages' discovery: on the search
# path before anything imports `compiler`, `reasoner` or `tasks`.
sys.path.insert(0, str(Path(__file__).resolve().parent / "plugins"))
