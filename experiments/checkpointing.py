"""Orbax behind one small wrapper: save and restore {params, opt_state, meta} by step."""

from __future__ import annotations

from pathlib import Path

import orbax.checkpoint as ocp


class Checkpointer:
    def __init__(self, directory, max_to_keep: int = 3):
        options = ocp.CheckpointManagerOptions(max_to_keep=max_to_keep, create=True)
        self.manager = ocp.CheckpointManager(Path(directory).absolute(), options=options)

    def latest_step(self) -> int | None:
        return self.manager.latest_step()

    def save(self, step: int, params, opt_state, meta: dict) -> None:
        self.manager.save(step, args=ocp.args.Composite(
            params=ocp.args.StandardSave(params),
            opt_state=ocp.args.StandardSave(opt_state),
            meta=ocp.args.JsonSave(meta)))
        self.manager.wait_until_finished()

    def restore(self, step: int, params, opt_state):
        """Restore into the structures (and shardings) of `params` and `opt_state`."""
        out = self.manager.restore(step, args=ocp.args.Composite(
            params=ocp.args.StandardRestore(params),
            opt_state=ocp.args.StandardRestore(opt_state),
            meta=ocp.args.JsonRestore()))
        return out.params, out.opt_state, out.meta

    def restore_params(self, step: int, params):
        out = self.manager.restore(step, args=ocp.args.Composite(
            params=ocp.args.StandardRestore(params)))
        return out.params

    def close(self) -> None:
        self.manager.wait_until_finished()
        self.manager.close()
