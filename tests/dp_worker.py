"""Run two training steps of the tiny config and save the parameters (data-parallel test)."""

import sys

import jax
import numpy as np
from flax import nnx

from experiments import train
from tests.helpers import cfg_for

if __name__ == "__main__":
    out = sys.argv[1]
    model = train.run(cfg_for("train.steps=2", "train.batch_size=8", "train.eval_after=false"),
                      out)
    _, params = nnx.split(model)
    np.savez(f"{out}/params.npz", *[np.asarray(x) for x in jax.tree.leaves(params)])
    print("devices", jax.device_count())
