"""Unit conversions: exact factors, month lengths, and the registry's unit strings in pint."""

import numpy as np
import pytest

from carbonlab.core import schema, units


@pytest.mark.parametrize("unit, kind, factor", [
    ("vCPU-s", "compute", 1 / 3600),
    ("GB-h", "storage", 1e-3),          # decimal GB-h -> TB-h
    ("TB-h", "storage", 1.0),
    ("GiB-h", "memory", 1024**3 / 1000**3),
    ("TiB", "network", 1024**4 / 1000**3),
    ("byte-s", "storage", 1 / 1000**4 / 3600),
    ("TB", "network", 1000.0),
])
def test_conversion_factors_are_exact(unit, kind, factor):
    # BIPM SI brochure (decimal) and IEC 80000-13 (binary prefixes)
    assert units.conversion_factor(unit, kind) == pytest.approx(factor, rel=1e-15)


def test_unit_of_the_wrong_dimension_is_refused():
    with pytest.raises(ValueError, match="cannot measure"):
        units.conversion_factor("GB", "storage")


def test_gb_month_uses_real_days():
    # 1000 GB-Mo in February 2024 (leap year, 29 days) = 1 TB x 696 h; in January 744 h.
    out = units.to_canonical([1000.0, 1000.0], "GB-Mo", "storage", times=np.array(["2024-02-03", "2024-01-31"],
                                                                                   dtype="datetime64[ns]"))
    np.testing.assert_allclose(out, [696.0, 744.0], rtol=0, atol=1e-12)


def test_ccf_gb_month_example():
    # CCF harness sample ebs-1: 500 GB-months in a 29-day month -> 348 TB-hours (shared/peers/ccf/README.md)
    out = units.to_canonical([500.0], "GB-Mo", "storage", times=np.array(["2024-02-01"], dtype="datetime64[ns]"))
    assert out[0] == pytest.approx(348.0, rel=1e-15)


def test_pound_is_exact():
    assert units.KG_PER_POUND == 0.45359237


def test_registry_units_parse_with_pint():
    # cf-xarray's pint registry reads the CF exponent notation ("g kWh-1") that pint-xarray users meet
    cf_units = pytest.importorskip("cf_xarray.units")
    ureg = cf_units.units
    for name, spec in schema.VARIABLES.items():
        q = ureg.Quantity(1, spec["units"])
        assert q is not None, name
    assert ureg.Quantity(1, "g kWh-1").to("kg MWh-1").magnitude == pytest.approx(1.0)
    assert ureg.Quantity(1, "kg h").dimensionality == (ureg.kg * ureg.hour).dimensionality


def test_every_registry_entry_is_complete():
    for name, spec in schema.VARIABLES.items():
        assert {"units", "long_name", "description", "cell_methods"} <= set(spec), name
        assert spec["cell_methods"] in ("time: sum", "time: mean", "time: point"), name
