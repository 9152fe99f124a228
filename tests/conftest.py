import os

# Tests run on the CPU and must not grab all memory on a GPU machine either.
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
