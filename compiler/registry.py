"""Registries by name (as in CLRS): `PROPOSERS`, `SELECTORS` map a config string to a function."""

from __future__ import annotations

from collections.abc import Callable


def registrar(registry: dict[str, Callable]):
    """A decorator factory that files functions in `registry` under a name."""

    def register(name: str):
        def wrap(fn):
            registry[name] = fn
            return fn
        return wrap

    return register
