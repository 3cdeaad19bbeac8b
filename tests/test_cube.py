"""Usage cube: placing records in hours, conservation, the unattributed bucket, determinism."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import carbonlab
from carbonlab import usage_cube
from carbonlab.cube import KIND_TOTALS, kind_totals


def test_daily_record_is_spread_evenly(usage_table):
    t = usage_table([dict(kind="memory", quantity=240.0, unit="GB-h",
                          start="2025-01-01T00:00Z", end="2025-01-02T00:00Z")])
    cube = usage_cube(t)
    assert cube.sizes["time"] == 24
    np.testing.assert_allclose(cube["memory_gb_hours"].values.ravel(), 10.0)


def test_record_across_an_hour_boundary_is_split_by_overlap(usage_table):
    t = usage_table([dict(kind="network", quantity=6.0, unit="GB",
                          start="2025-01-01T10:30Z", end="2025-01-01T12:00Z")])
    cube = usage_cube(t)
    np.testing.assert_allclose(cube["network_gb"].values.ravel(), [2.0, 4.0])
    assert str(cube["time"].values[0])[:19] == "2025-01-01T10:00:00"


def test_conservation_and_unattributed(usage_table):
    records = [
        dict(kind="compute", quantity=10.0, unit="vCPU-h", instance_type="m5.large"),
        dict(kind="compute", quantity=7200.0, unit="vCPU-s", start="2025-01-01T05:00Z", end="2025-01-01T07:00Z"),
        dict(kind="memory", quantity=5.0, unit="GB-h", replication=2.0),
        dict(kind="storage", quantity=1000.0, unit="GB-Mo", storage_class="hdd", end="2025-01-02T00:00Z"),
        dict(kind="network", quantity=3.0, unit="GB"),
        dict(kind="unknown", quantity=99.0, unit="Requests", cost=1.5, note="no physical model"),
        dict(kind="memory", quantity=4.0, unit="GB", cost=0.25),                     # wrong unit
        dict(kind="network", quantity=1.0, unit="GB", end="2024-12-31T00:00Z"),      # end before start
        dict(kind="gpu", quantity=np.nan, unit="GPU-h"),                             # no quantity
    ]
    t = usage_table(records)
    cube = usage_cube(t)
    totals = kind_totals(cube)
    # independent computation of the canonical totals of the placeable records
    expected = {"compute": 10.0 + 2.0, "memory": 5.0, "storage": 1.0 * 24 * 31, "network": 3.0, "gpu": 0.0}
    for k, v in expected.items():
        assert totals[k] == pytest.approx(v, rel=1e-12), k
    assert int(cube["unattributed_records"].sum()) == 4
    assert float(cube["unattributed_cost"].sum()) == pytest.approx(1.75)
    reasons = set(cube["unattributed_reason"].values)
    assert reasons == {"no physical model", "unit not convertible", "invalid period", "missing quantity"}
    assert cube.attrs["records_in"] == len(records)
    assert cube.attrs["records_unattributed"] == 4


def test_every_variable_has_units_and_long_name(usage_table):
    cube = usage_cube(usage_table([dict(kind="network", quantity=1.0, unit="GB")]))
    for name, var in cube.data_vars.items():
        assert "units" in var.attrs and "long_name" in var.attrs, name


def test_identical_inputs_give_identical_cubes(usage_table):
    t = usage_table([dict(kind="compute", quantity=float(i), unit="vCPU-h", service=f"s{i % 3}",
                          region=["us-east-1", "eu-west-1"][i % 2]) for i in range(20)])
    a, b = usage_cube(t), usage_cube(t.sample(frac=1.0, random_state=3))
    xr.testing.assert_identical(a.drop_vars([v for v in a.data_vars if v.startswith("unattributed")]),
                                b.drop_vars([v for v in b.data_vars if v.startswith("unattributed")]))


def test_account_dimension(usage_table):
    t = usage_table([dict(kind="network", quantity=1.0, unit="GB", account="a"),
                     dict(kind="network", quantity=2.0, unit="GB", account="b")])
    cube = usage_cube(t, account=True)
    assert cube["network_gb"].dims == ("time", "region", "service", "account")
    np.testing.assert_allclose(cube["network_gb"].sum(["time", "region", "service"]).values, [1.0, 2.0])


def test_missing_required_column_is_named(usage_table):
    t = usage_table([dict(kind="network", quantity=1.0, unit="GB")]).drop(columns=["kind"])
    with pytest.raises(ValueError, match="kind"):
        usage_cube(t)


def test_unknown_kind_value_names_row_and_column(usage_table):
    t = usage_table([dict(kind="network", quantity=1.0, unit="GB"), dict(kind="disk", quantity=1.0, unit="GB")])
    with pytest.raises(ValueError, match=r"row 2 column 'kind'"):
        usage_cube(t)


def test_kind_totals_cover_every_kind():
    assert set(KIND_TOTALS) == {"compute", "gpu", "memory", "storage", "network"}


def test_monthly_record_is_spread_over_the_hours_of_its_month(usage_table):
    # a monthly line (e.g. a GB-Mo storage line of a monthly bill) gives 1/744 to each hour of January
    t = usage_table([dict(kind="storage", quantity=1000.0, unit="GB-Mo", storage_class="hdd",
                          start="2025-01-01T00:00Z", end="2025-02-01T00:00Z")])
    cube = usage_cube(t)
    assert cube.sizes["time"] == 744
    np.testing.assert_allclose(cube["storage_hdd_tb_hours"].values.ravel(), 1000 / 1000 * 24 * 31 / 744)


def test_negative_quantities_net_out_and_are_counted(usage_table):
    t = usage_table([dict(kind="network", quantity=10.0, unit="GB", cost=1.0),
                     dict(kind="network", quantity=-4.0, unit="GB", cost=-0.4)])   # a correction
    cube = usage_cube(t)
    assert float(cube["network_gb"].sum()) == pytest.approx(6.0)
    assert cube.attrs["records_negative"] == 1
    assert float(cube["cost_attributed"].sum()) == pytest.approx(0.6)


def test_streamed_chunks_give_the_cube_of_the_whole_table(usage_table):
    from carbonlab.cube import CubeBuilder

    rng = np.random.default_rng(7)
    recs = []
    for i in range(300):
        h = int(rng.integers(0, 72))
        start = pd.Timestamp("2025-01-30T00:00Z") + pd.Timedelta(hours=h)
        kind = ["compute", "memory", "storage", "network", "unknown"][i % 5]
        unit = {"compute": "vCPU-h", "memory": "GB-h", "storage": "GB-Mo", "network": "GB", "unknown": "Requests"}[kind]
        recs.append(dict(kind=kind, unit=unit, quantity=float(rng.random() * 10), cost=float(rng.random()),
                         start=start, end=start + pd.Timedelta(hours=int(rng.integers(1, 30))),
                         region=["us-east-1", "eu-west-1"][i % 2], service=f"s{i % 4}", account=f"a{i % 3}",
                         instance_type="m5.large" if kind == "compute" else None,
                         storage_class="ssd" if kind == "storage" else None, note="x" if kind == "unknown" else ""))
    t = usage_table(recs)
    whole = usage_cube(t, account=True)
    b = CubeBuilder("ccf_2026", account=True)
    for part in np.array_split(np.arange(len(t)), 7):
        b.add(t.iloc[part])
    streamed = b.finish()
    for v in ("vcpu_hours", "memory_gb_hours", "storage_ssd_tb_hours", "network_gb", "cost_attributed",
              "embodied_reserved"):
        np.testing.assert_allclose(streamed[v].values, whole[v].values, rtol=1e-12, atol=1e-12, err_msg=v)
    assert streamed.attrs["records_unattributed"] == whole.attrs["records_unattributed"] == 60
    # cost in = attributed cost + unattributed cost
    assert float(whole["cost_attributed"].sum() + whole["unattributed_cost"].sum()) == pytest.approx(t["cost"].sum())


def test_ccf_cost_ratio_estimate_of_unattributed_usage(usage_table):
    import carbonlab

    t = usage_table([
        dict(kind="compute", quantity=48.0, unit="vCPU-h", instance_type="m5.large", cost=10.0),
        dict(kind="unknown", quantity=24.0, unit="Hrs", cost=2.0, note="no physical model for this usage type"),
        dict(kind="unknown", quantity=0.0, unit="none", cost=-5.0, note="not usage (Credit)"),
    ])
    fp = carbonlab.estimate(t, "ccf", unattributed="ccf_cost_ratio")
    energy = float(fp["energy"].sum())
    est = fp["unattributed_energy_estimate"].to_series()
    reasons = fp["unattributed_reason"].to_series()
    # independent: 2 USD x (facility kWh per USD of attributed usage); credits are never priced
    assert est[reasons == "no physical model for this usage type"].item() == pytest.approx(2.0 * energy / 10.0)
    assert est[reasons == "not usage (Credit)"].item() == 0.0
    co2e = float(fp["co2e_operational"].sel(basis="location_average").sum())
    got = fp["unattributed_co2e_estimate"].sel(basis="location_average").to_series()
    assert got[reasons == "no physical model for this usage type"].item() == pytest.approx(2.0 * co2e / 10.0)
    assert fp["unattributed_energy_estimate"].attrs["method"] == "ccf_cost_ratio"
    assert "cost-ratio" in fp.attrs["assumed"]
    with pytest.raises(ValueError, match="unknown unattributed model"):
        carbonlab.estimate(t, "ccf", unattributed="guess")


# --- hostile and broken input: the bill's span, the size guard, currencies ------------------------
def _hours(usage_table, n, **kw):
    t0 = pd.Timestamp("2024-09-01T00:00Z")
    return [dict(kind="compute", quantity=2.0, unit="vCPU-h", cost=0.1, start=t0 + pd.Timedelta(hours=h),
                 end=t0 + pd.Timedelta(hours=h + 1), **kw) for h in range(n)]


def test_a_far_date_is_an_error_naming_the_row(usage_table):
    # one ChargePeriodEnd typo in 2200 would make the hourly cube span 175 years
    rows = _hours(usage_table, 24) + [dict(kind="compute", quantity=5.0, unit="vCPU-h", cost=0.5,
                                           start="2200-01-01T00:00Z", end="2200-01-01T01:00Z")]
    with pytest.raises(ValueError, match=r"test.csv: row 25: its usage period \(2200-01\) is more than 24 months"):
        usage_cube(usage_table(rows))


def test_lenient_far_date_is_unattributed_and_conserved(usage_table):
    rows = _hours(usage_table, 24) + [dict(kind="compute", quantity=5.0, unit="vCPU-h", cost=0.5,
                                           start="2031-03-01T00:00Z", end="2031-03-01T01:00Z")]
    cube = usage_cube(usage_table(rows), lenient=True)
    assert cube.sizes["time"] == 24
    table = carbonlab.unattributed_table(cube)
    far = table[table["reason"] == "period outside the bill's span (lenient)"]
    assert (far["records"].sum(), far["quantity"].sum(), far["cost"].sum()) == (1, 5.0, 0.5)
    assert kind_totals(cube)["compute"] + far["quantity"].sum() == pytest.approx(24 * 2.0 + 5.0)
    assert float(cube["cost_attributed"].sum()) + float(cube["unattributed_cost"].sum()) == pytest.approx(24 * 0.1 + 0.5)


def test_a_record_longer_than_a_year_is_unattributed(usage_table):
    rows = _hours(usage_table, 2) + [dict(kind="compute", quantity=7.0, unit="vCPU-h", cost=0.7,
                                          start="2024-09-01T00:00Z", end="2026-09-01T00:00Z")]
    table = carbonlab.unattributed_table(usage_cube(usage_table(rows)))
    assert table.set_index("reason").loc["invalid period (longer than 366 days)", "quantity"] == 7.0


def test_size_guard_counts_every_variable(usage_table):
    # two records 23 months apart, 300 services: 16,800 hours x 1 region x 300 services x all variables
    rows = [dict(kind="compute", quantity=1.0, unit="vCPU-h", service=f"s{i}", start=start,
                 end=pd.Timestamp(start) + pd.Timedelta(hours=1))
            for i in range(300) for start in ("2024-01-01T00:00Z", "2025-12-01T00:00Z")]
    from carbonlab.cube import CUBE_VARIABLES

    n_vars = sum(len(v) for v in CUBE_VARIABLES.values()) + 1
    hours = (pd.Timestamp("2025-12-01T01:00Z") - pd.Timestamp("2024-01-01T00:00Z")) // pd.Timedelta(hours=1)
    need = hours * 300 * n_vars * 8
    with pytest.raises(ValueError, match=rf"would need {need / 2**30:,.1f} GiB .* over the limit of 0.5 GiB"):
        usage_cube(usage_table(rows), max_cube_bytes=2**29)


def test_costs_in_several_currencies_are_not_added(usage_table):
    rows = _hours(usage_table, 2, currency="USD") + _hours(usage_table, 2, currency="EUR")
    with pytest.raises(ValueError, match=r"costs in several currencies \(EUR, USD\)"):
        usage_cube(usage_table(rows))
    cube = usage_cube(usage_table(rows), exchange_rates={"USD": 1.0, "EUR": 1.1})
    assert float(cube["cost_attributed"].sum()) == pytest.approx(2 * 0.1 + 2 * 0.1 * 1.1)
    assert cube.attrs["currency"] == 'converted: {"EUR": 1.1, "USD": 1.0}'
    assert usage_cube(usage_table(_hours(usage_table, 1, currency="EUR"))).attrs["currency"] == "EUR"
