"""The 512 neighbourhoods of a life cell: neighbourhood `n` is the 3 x 3 grid whose row-major
cell k is bit k of n (on a 3 x 3 torus the centre's eight neighbours are the eight other
cells). The certificate (reasoner/life/certify.py) checks a reasoner on them; the neural
reasoner (reasoner/life/neural.py) computes its logits on all of them in one call."""

from __future__ import annotations

import numpy as np

NUM_NEIGHBOURHOODS = 512
CENTRE = 4


def neighbourhood_grids() -> np.ndarray:
    """`[512, 3, 3]` uint8: grid n has bit k of n at row-major cell k."""
    bits = (np.arange(NUM_NEIGHBOURHOODS)[:, None] >> np.arange(9)[None, :]) & 1
    return bits.reshape(NUM_NEIGHBOURHOODS, 3, 3).astype(np.uint8)


GRIDS = neighbourhood_grids()
