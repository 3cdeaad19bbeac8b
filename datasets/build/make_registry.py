"""Write ``datasets/registry.txt``: the sha256 of every shipped dataset file.

One line per file under ``datasets/<name>/`` (the build scripts in ``datasets/build/`` and the registry itself
are not listed), sorted, as ``<path relative to datasets/> sha256:<hex>``.  carbonlab verifies these hashes
when it loads a file.  Before hashing, the ``sha256`` block of each ``DATACARD.md`` is rewritten with the
hashes of the data files next to it, so the cards and the registry always agree.

Usage::

    python datasets/build/make_registry.py
"""

from __future__ import annotations

from _buildlib import DATASETS, replace_block, sha256

REGISTRY = DATASETS / "registry.txt"


def dataset_files():
    for path in sorted(DATASETS.rglob("*")):
        rel = path.relative_to(DATASETS)
        if not path.is_file() or len(rel.parts) < 2 or rel.parts[0] == "build":
            continue
        if any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
            continue
        yield rel


def update_cards() -> None:
    for card in sorted(DATASETS.glob("*/DATACARD.md")):
        if card.parent.name == "build":
            continue
        files = [p for p in sorted(card.parent.rglob("*")) if p.is_file() and p.name != "DATACARD.md"
                 and not p.name.startswith(".")]
        lines = ["| file | sha256 |", "|---|---|"]
        lines += [f"| `{p.relative_to(card.parent).as_posix()}` | `{sha256(p)}` |" for p in files]
        replace_block(card, "sha256", "\n".join(lines))


def main() -> None:
    update_cards()
    lines = [f"{rel.as_posix()} sha256:{sha256(DATASETS / rel)}" for rel in dataset_files()]
    REGISTRY.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {REGISTRY} ({len(lines)} files)")


if __name__ == "__main__":
    main()
