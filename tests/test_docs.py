"""docs/: the nomenclature is generated from the registries and up to date; every bib entry is citable."""

import re
import sys

from conftest import REPO


def test_nomenclature_is_up_to_date():
    sys.path.insert(0, str(REPO / "docs"))
    try:
        import build_nomenclature
    finally:
        sys.path.remove(str(REPO / "docs"))
    assert (REPO / "docs" / "nomenclature.md").read_text() == build_nomenclature.render(), \
        "run: python docs/build_nomenclature.py"


def test_every_reference_has_a_url_or_doi_and_access_date():
    bib = (REPO / "docs" / "references.bib").read_text()
    entries = re.findall(r"@\w+\{([^,]+),(.*?)\n\}", bib, re.S)
    assert len(entries) >= 15
    for key, body in entries:
        assert re.search(r"\b(url|doi)\s*=", body), key
        assert "Accessed 20" in body, key
