"""The batched JAX transforms (compiler/arc/transforms_jax.py) against their NumPy reference
(compiler/arc/transforms.py): for every covered instance, the same definedness and, where
defined, the same grid on random, edge-case and ARC-AGI-1 training demo grids."""

from functools import lru_cache

import numpy as np
import pytest

from compiler.arc import transforms
from compiler.arc.features import OUT
from compiler.arc.transforms_jax import JAX_TRANSFORMS, SKIPPED, apply_batch, from_canvas, to_canvas
from tasks.arc_data import load_split


@lru_cache(maxsize=1)
def grids():
    rng = np.random.default_rng(7)
    out = []
    for _ in range(24):
        h, w = rng.integers(1, 14, 2)
        colours = rng.choice(np.arange(1, 10), size=rng.integers(1, 4), replace=False)
        out.append(rng.choice(np.concatenate([[0] * 4, colours]), size=(h, w)).astype(np.uint8))
    # small grids with structure: frames with holes, uniform blocks, repeated halves
    ring = np.zeros((5, 6), np.uint8)
    ring[0, :] = ring[-1, :] = ring[:, 0] = ring[:, -1] = 3
    ring[2, 2] = 5
    out += [np.zeros((4, 4), np.uint8), np.zeros((30, 30), np.uint8),
            rng.choice([0, 0, 0, 1, 2], size=(30, 30)).astype(np.uint8), ring,
            np.kron(np.array([[1, 0], [2, 2]], np.uint8), np.ones((3, 3), np.uint8)),
            np.tile(np.array([[0, 4], [6, 0]], np.uint8), (2, 3)), np.full((3, 5), 4, np.uint8)]
    for task in list(load_split("arc1_train").values())[:10]:
        out += [np.array(pair["input"], np.uint8) for pair in task["train"]]
    return out


@lru_cache(maxsize=1)
def canvases():
    return np.stack([to_canvas(g) for g in grids()])


def test_coverage():
    assert len(JAX_TRANSFORMS) >= 100
    assert set(JAX_TRANSFORMS) <= set(transforms.INDEX)
    assert set(JAX_TRANSFORMS) | set(SKIPPED) == set(transforms.INDEX)
    assert len(grids()) >= 40


def test_canvas_round_trip():
    for g in grids():
        c = to_canvas(g)
        assert c.shape == (30, 30) and np.array_equal(from_canvas(c), g)


@pytest.mark.parametrize("name", sorted(JAX_TRANSFORMS))
def test_matches_reference(name):
    out, defined = apply_batch(name, canvases())
    out, defined = np.asarray(out), np.asarray(defined)
    assert out.shape == (len(grids()), 30, 30) and out.dtype == np.uint8
    assert defined.shape == (len(grids()),) and defined.dtype == bool
    for i, g in enumerate(grids()):
        want = transforms.apply(name, g)
        assert defined[i] == (want is not None), (name, i, g.shape)
        if want is None:
            assert (out[i] == OUT).all(), (name, i)
            continue
        got = from_canvas(out[i])
        assert got.shape == want.shape and np.array_equal(got, want), (name, i, g.shape)
        assert (out[i][want.shape[0]:] == OUT).all() and (out[i][:, want.shape[1]:] == OUT).all()


def test_one_canvas_function_matches_the_batch():
    c = canvases()[:3]
    for name in ("rot90", "keep_most", "fill_enclosed_2", "crop_largest8", "mirror_4"):
        batch, ok = apply_batch(name, c)
        for i in range(len(c)):
            one, one_ok = JAX_TRANSFORMS[name](c[i])
            assert bool(one_ok) == bool(ok[i])
            assert np.array_equal(np.asarray(one), np.asarray(batch[i]))


def test_the_batched_search_finds_the_states_of_the_numpy_search_in_its_order():
    from compiler.arc.search import SearchConfig, search

    rng = np.random.default_rng(11)
    grids = [rng.choice([0, 0, 0, 1, 2, 5], size=s).astype(np.uint8) for s in [(5, 6), (7, 4), (6, 6)]]
    # transforms the JAX table has and some it lacks (answered by the NumPy table)
    order = [transforms.INDEX[n] for n in ("flip_h", "rot90", "keep_1", "erase_2", "smear_e",
                                            "gravity_s", "fill_enclosed_3", "crop_content",
                                            "keep_largest8", "tile_1x2", "sym_flip_h",
                                            "complete_period", "flip_objects_h", "sep_cell0")]
    config = SearchConfig(depth=2, max_states=10_000, seconds=600)
    plain = search(grids, config, order)
    batched = search(grids, SearchConfig(2, 10_000, 600, backend="jax"), order)
    assert plain.complete and batched.complete and len(plain.states) > 50
    assert [s.chain for s in batched.states] == [s.chain for s in plain.states]
    for a, b in zip(plain.states, batched.states, strict=True):
        assert all(np.array_equal(x, y) for x, y in zip(a.grids, b.grids, strict=True))
