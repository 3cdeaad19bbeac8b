"""Methodologies: presets are data, values are frozen, replace() and provenance."""

import dataclasses
import json

import pytest

from carbonlab import list_methodologies, methodology
from carbonlab.methodology import CHOICES, Methodology, from_toml


def test_presets():
    assert {"ccf", "carbonlab", "carbonlab_6y"} <= set(list_methodologies())
    assert methodology("carbonlab_6y").amortization_years == 6
    assert methodology("carbonlab").amortization_years == 4
    ccf = methodology("ccf")
    assert (ccf.coefficient_set, ccf.pue_source, ccf.grid_source) == ("ccf_2020", "ccf", "ccf_factors")
    assert ccf.default_utilization == 0.5   # CCF AVG_CPU_UTILIZATION_2020


def test_frozen_and_replace():
    m = methodology("carbonlab")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.amortization_years = 6
    m6 = m.replace(amortization_years=6)
    assert m6.id == "carbonlab[amortization_years=6]" and m6.amortization_years == 6
    assert m.amortization_years == 4
    with pytest.raises(TypeError, match="unknown"):
        m.replace(amortisation=6)


def test_validation_names_the_parameter():
    with pytest.raises(ValueError, match="pue_source"):
        Methodology(id="x", pue_source="guess")
    with pytest.raises(ValueError, match="unknown methodology parameter"):
        from_toml('id = "x"\n[energy]\nwatts = 3\n')


def test_defaults_are_recorded_as_assumed():
    m = from_toml('id = "x"\n[embodied]\namortization_years = 5\n')
    assert "coefficient_set" in m.assumed and "amortization_years" not in m.assumed


def test_provenance_is_json_and_complete():
    m = methodology("ccf")
    prov = m.provenance()
    params = json.loads(prov["parameters"])
    assert params["coefficient_set"] == "ccf_2020" and params["amortization_years"] == 4
    assert "cloudcarbonfootprint" in prov["references"]


def test_every_parameter_belongs_to_one_stage():
    # each stage is declared once (carbonlab.stages): its selector's choices are its models, and every
    # methodology parameter (metadata and the bases aside) is read by exactly one stage
    from dataclasses import fields

    from carbonlab.stages import STAGES
    for s in STAGES:
        if s.selector:
            assert set(s.choices[s.selector]) == set(s.models), s.name
    params = {f.name for f in fields(Methodology)} - {"id", "version", "description", "references", "assumed",
                                                      "bases"}
    owners = {p: [s.name for s in STAGES if p in s.parameters] for p in params}
    assert all(len(o) == 1 for o in owners.values()), owners
    assert set(CHOICES) <= params
