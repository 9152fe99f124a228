import os
import sys
import tempfile
from pathlib import Path

# Tests run on the CPU and must not grab all memory on a GPU machine either.
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
# One persistent compilation cache for the test process and the apps it starts: the apps
# compile the same jitted steps again and again (seconds each); results are unchanged.
os.environ.setdefault("JAX_COMPILATION_CACHE_DIR",
                      str(Path(tempfile.gettempdir()) / "drafts-compiler-test-jax-cache"))
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0.5")

# The toy third domain (tests/plugins/README.md) joins the packages' discovery: on the search
# path before anything imports `compiler`, `reasoner` or `tasks`.
sys.path.insert(0, str(Path(__file__).resolve().parent / "plugins"))
