"""Data parallelism over a `("data",)` mesh, and the multi-host switch.

With one device everything is a no-op. With more, the global batch is sharded along the
mesh's "data" axis and parameters and optimizer state are replicated; XLA inserts the
gradient all-reduce. The same code runs on 1 CPU, a 4-device forced-host CPU, a GPU node
or a TPU pod.
"""

from __future__ import annotations

import jax
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P


def init_distributed(enabled: bool) -> None:
    """`distributed=true`: join a multi-process run; the coordinator, process count and
    index come from the environment (SLURM, TPU pods, or JAX_COORDINATOR_ADDRESS etc.)."""
    if enabled:
        jax.distributed.initialize()


def data_mesh():
    """A 1-D ("data",) mesh over every device, or None with a single device."""
    n = jax.device_count()
    if n == 1:
        return None
    # Auto axes: XLA propagates the batch sharding and inserts the collectives itself
    return jax.make_mesh((n,), ("data",), axis_types=(jax.sharding.AxisType.Auto,))


def replicate(tree, mesh):
    if mesh is None:
        return tree
    return jax.device_put(tree, NamedSharding(mesh, P()))


def shard_batch(tree, mesh):
    """Inside jit: constrain every array's leading (batch) axis to the "data" axis."""
    if mesh is None:
        return tree
    sharding = NamedSharding(mesh, P("data"))
    return jax.tree.map(lambda x: jax.lax.with_sharding_constraint(x, sharding), tree)
