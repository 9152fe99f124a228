"""Orbax behind one small wrapper: save and restore {params, opt_state, meta} by step.

Restores are device-neutral: every target carries a sharding on the devices of *this*
process (`current_sharding`), so a checkpoint written on a CPU (or on 4 host devices, or
on a GPU) restores here; Orbax never falls back to the topology it was saved with.
"""

from __future__ import annotations

from pathlib import Path

import jax
import numpy as np
import orbax.checkpoint as ocp
from jax.sharding import NamedSharding, SingleDeviceSharding
from jax.sharding import PartitionSpec as P


def current_sharding(mesh=None):
    """Replicated over `mesh`, or on this process's first device."""
    if mesh is not None:
        return NamedSharding(mesh, P())
    return SingleDeviceSharding(jax.local_devices()[0])


def abstract_target(tree, mesh=None):
    """`jax.ShapeDtypeStruct`s of `tree`'s leaves, placed on the current devices."""
    sharding = current_sharding(mesh)
    return jax.tree.map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=sharding)
                        if isinstance(x, (jax.Array, np.ndarray, jax.ShapeDtypeStruct)) else x,
                        tree)


class Checkpointer:
    def __init__(self, directory, max_to_keep: int = 3):
        policy = ocp.checkpoint_managers.LatestN(max_to_keep)
        options = ocp.CheckpointManagerOptions(preservation_policy=policy, create=True)
        self.manager = ocp.CheckpointManager(Path(directory).absolute(), options=options)

    def latest_step(self) -> int | None:
        return self.manager.latest_step()

    def save(self, step: int, params, opt_state, meta: dict) -> None:
        self.manager.save(step, args=ocp.args.Composite(
            params=ocp.args.StandardSave(params),
            opt_state=ocp.args.StandardSave(opt_state),
            meta=ocp.args.JsonSave(meta)))
        self.manager.wait_until_finished()

    def restore(self, step: int, params, opt_state, mesh=None):
        """Restore into the structures of `params` and `opt_state`, on the current devices."""
        out = self.manager.restore(step, args=ocp.args.Composite(
            params=ocp.args.StandardRestore(abstract_target(params, mesh)),
            opt_state=ocp.args.StandardRestore(abstract_target(opt_state, mesh)),
            meta=ocp.args.JsonRestore()))
        return out.params, out.opt_state, out.meta

    def restore_params(self, step: int, params, mesh=None):
        """Parameters only (shapes from `params`, abstract or concrete), current devices."""
        out = self.manager.restore(step, args=ocp.args.Composite(
            params=ocp.args.StandardRestore(abstract_target(params, mesh))))
        return out.params

    def close(self) -> None:
        self.manager.wait_until_finished()
        self.manager.close()
