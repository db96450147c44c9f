"""The registry of document kinds: the one list every other list of kinds is derived from.

Each kind is a module here that defines `KIND` (a `toolkit.kinds.base.Kind`): its model, its
context builder, its layout rules, the values its templates see and its README sections.
The names are known without importing those modules, so `unionkit -h` stays instant.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.kinds.base import Kind

# kind name -> the module that defines it. Adding a kind: add a line here, write the module,
# its template folder in templates/, its catalogue keys and its tests (see CONTRIBUTING in
# the README).
REGISTRY: dict[str, str] = {
    "resolution": "toolkit.kinds.resolution",
    "letter": "toolkit.kinds.letter",
    "sign-on-sheet": "toolkit.kinds.sign_on_sheet",
    "leaflet": "toolkit.kinds.leaflet",
    "amendment": "toolkit.kinds.amendment",
}
# Other names people use for a kind, accepted wherever a kind is named.
ALIASES: dict[str, str] = {"motion": "resolution"}


def names(*, aliases: bool = False) -> list[str]:
    """Every kind's name, in the registry's order (with the other accepted names)."""
    return [*REGISTRY, *(ALIASES if aliases else ())]


def canonical(name: str) -> str:
    """The kind a name (or an alias) means; raises `KeyError` for an unknown name."""
    name = ALIASES.get(name, name)
    if name not in REGISTRY:
        raise KeyError(name)
    return name


def get(name: str) -> Kind:
    """The kind called `name` (or an alias of it)."""
    module = importlib.import_module(REGISTRY[canonical(name)])
    kind: Kind = module.KIND
    return kind


def all_kinds() -> list[Kind]:
    """Every kind, in the registry's order."""
    return [get(name) for name in REGISTRY]
