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
# Tests compile far more than they run (tiny sizes, a few steps): LLVM's cheap pipeline cuts
# XLA's CPU compile time; only the generated code's speed changes, and the apps the tests
# start inherit it (tests/helpers.py: python_env). TEST_XLA_FLAGS=... tries others. Measured
# 2026-11-30, cold cache: three training-resume tests 59.5 s with these flags, 77.5 s with
# the expensive passes off only, 76.9 s with that at optimization level 1; ARC's compile
# determinism, the other way (slow generated code): 30.2 s, 23.6 s and 19.4 s. The suite as
# a whole is faster with these (test durations summed: docs/performance.md).
TEST_XLA_FLAGS = os.environ.get(
    "TEST_XLA_FLAGS", "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true")
os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {TEST_XLA_FLAGS}".strip()

# The toy third domain (tests/plugins/README.md) joins the packages' discovery: on the search
# path before anything imports `compiler`, `reasoner` or `tasks`.
sys.path.insert(0, str(Path(__file__).resolve().parent / "plugins"))

# The longest test files first (pytest-xdist's loadfile hands files out in collection order):
# the two workers then finish together instead of one running a long file at the end.
# Ordered by their summed durations in cold runs of make test and make test-all (2026-11-30,
# `--durations=0`); a file not listed runs after these, in its usual order.
SLOWEST_FILES = ("test_domain_contract.py", "test_reliability.py", "test_presets_logic.py",
                 "test_logic_proposer.py", "test_logic_reasoner.py", "test_interfaces.py",
                 "test_presets_life.py", "test_arc.py", "test_compiler.py", "test_fuzz.py",
                 "test_device_neutral.py", "test_latent.py", "test_logic_undetermined.py",
                 "test_mean_field.py", "test_presets_arc.py", "test_halting_and_neural.py",
                 "test_experiments.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
