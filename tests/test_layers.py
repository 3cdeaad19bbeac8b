"""The house rule: imports point down the layers only, and no module reaches into another's private names.

Layers (README, "Architecture"), lowest first:

1. ``core/`` and ``_version.py``: the contract; imports nothing else from carbonlab;
2. ``models/``: pure model functions;
3. ``datasets/`` and ``io/``: shipped data and its lookups, readers;
4. ``methodology``, ``stages``, ``cube/``, ``signals/``, ``footprint``: orchestration;
5. ``tables``, ``sensitivity``, ``allocation/``: studies of footprints;
6. ``plot/``, ``accessor``, ``report``, ``cli``: faces.

A module imports carbonlab modules of its own layer or a lower one (lazily imported ones too); the
package root (``carbonlab/__init__.py``, the public API) is imported by none.  A ``_private`` name is used
only in its own module, or, for a private module of a subpackage (``io/_files.py``), inside that
subpackage.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "carbonlab"

LAYERS = {"core": 1, "_version": 1, "models": 2, "datasets": 3, "io": 3, "methodology": 4, "stages": 4, "cube": 4,
          "signals": 4, "footprint": 4, "tables": 5, "sensitivity": 5, "allocation": 5, "plot": 6, "accessor": 6,
          "report": 6, "cli": 6}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None           # the package root
    return LAYERS.get(parts[1])


MODULES = {(_module_name(p)): p for p in sorted(PKG.rglob("*.py")) if _module_name(p) != "carbonlab"}
EXISTING = set(MODULES) | {"carbonlab"}


def _imports(tree: ast.AST, module: str, is_init: bool):
    """(line, imported module, imported names) of every carbonlab import of a module, lazy ones included."""
    package = module if is_init else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "carbonlab" or a.name.startswith("carbonlab."):
                    yield node.lineno, a.name, []
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([mod] if mod else []))
            if mod == "carbonlab" or mod.startswith("carbonlab."):
                yield node.lineno, mod, [a.name for a in node.names]


def _targets(mod: str, names: list[str]) -> list[tuple[str, list[str]]]:
    """The modules an import statement loads: ``from carbonlab.x import y`` loads carbonlab.x.y if that is a
    module, else carbonlab.x (for the name y)."""
    if not names:
        return [(mod, [])]
    out, plain = [], []
    for n in names:
        if f"{mod}.{n}" in EXISTING:
            out.append((f"{mod}.{n}", []))
        else:
            plain.append(n)
    if plain:
        out.append((mod, plain))
    return out


def _private_ok(importer: str, target: str) -> bool:
    """A private name may come from a private module of the importer's own subpackage."""
    leaf = target.rsplit(".", 1)[-1]
    return leaf.startswith("_") and importer.rsplit(".", 1)[0] == target.rsplit(".", 1)[0]


def violations(module: str, src: str, is_init: bool = False) -> list[str]:
    """Every breach of the house rule in a module's source."""
    tree = ast.parse(src)
    own = _layer(module)
    if own is None:
        return [f"{module}: in no layer (add its folder to LAYERS and to the README's table)"]
    out, aliases = [], {}
    for line, mod, names in _imports(tree, module, is_init):
        for target, plain in _targets(mod, names):
            if target == "carbonlab":
                if plain:
                    out.append(f"{module}:{line} imports {plain} from the package root")
                continue
            layer = _layer(target)
            if layer is None or layer > own:
                out.append(f"{module} (layer {own}):{line} imports {target} (layer {layer})")
            out += [f"{module}:{line} imports the private {target}.{n}" for n in plain
                    if n.startswith("_") and not n.startswith("__") and not _private_ok(module, target)]
            if not plain:
                aliases[target.rsplit(".", 1)[-1]] = target
    for node in ast.walk(tree):                 # attribute access on imported carbonlab modules
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            target = aliases[node.value.id]
            if node.attr.startswith("_") and not node.attr.startswith("__") and not _private_ok(module, target):
                out.append(f"{module}:{node.lineno} uses the private {target}.{node.attr}")
    return out


@pytest.mark.parametrize("module", sorted(MODULES))
def test_house_rule(module):
    path = MODULES[module]
    assert violations(module, path.read_text(), path.name == "__init__.py") == []


def test_every_folder_is_a_layer():
    folders = {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in PKG.glob("*.py") if p.stem != "__init__"}
    assert folders | modules <= set(LAYERS), (folders | modules) - set(LAYERS)


def test_the_rule_can_fail():
    src = ("from carbonlab import estimate\nfrom carbonlab.footprint import compare\n"
           "from carbonlab.io.tabular import _x\nfrom carbonlab.io import tabular\ny = tabular._codes\n"
           "def f():\n    from carbonlab import plot\n")
    found = violations("carbonlab.core.bad", src)
    # the root name; upward: footprint, io.tabular (twice: two statements), plot; the private import and use
    assert len(found) == 7, found
    assert any("package root" in v for v in found) and any("private carbonlab.io.tabular._x" in v for v in found)
    assert violations("carbonlab.io._files", "from carbonlab.io._arrow import _y\n") == []   # package-private
