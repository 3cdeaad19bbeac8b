"""The data contract every carbonlab module shares.

Dimension names, the canonical columns of a UsageTable, and the registry of
variables (units, long_name, description, cell_methods) that every array
carbonlab produces is stamped from.  This module imports nothing from the rest
of carbonlab.

Unit strings follow the cf-xarray ``cf`` format (``kWh``, ``g``, ``g kWh-1``,
``h``, ``1``) and are parseable by pint; ``tests/test_schema.py`` checks that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

# --- dimension names ---------------------------------------------------------
TIME = "time"
REGION = "region"
SERVICE = "service"
ACCOUNT = "account"
COMPONENT = "component"
BASIS = "basis"
#: The grid-zone dimension of grid-signal readers' outputs (an Electricity Maps zone, a WattTime region).
ZONE = "zone"
METHODOLOGY = "methodology"
UNATTRIBUTED = "unattributed"

CUBE_DIMS = (TIME, REGION, SERVICE)

PROVIDERS = ("aws", "gcp", "azure", "oci")

#: Usage kinds a record can have.
KINDS = ("compute", "gpu", "memory", "storage", "network", "unknown")

#: Energy components of the IT energy (the ``component`` dimension).
COMPONENTS = ("cpu", "gpu", "memory", "storage", "network")

#: Grid-signal bases (the ``basis`` dimension).
BASES = ("location_average", "location_marginal", "market", "location_average_direct")
#: ``location_average`` is the life-cycle grid average (Electricity Maps' default and GSF's annual value);
#: ``location_average_direct`` counts stack emissions only (issue 4).

# --- UsageTable --------------------------------------------------------------
#: Canonical UsageTable columns, their pandas dtype and whether a reader must fill them.
USAGE_COLUMNS: dict[str, tuple[str, bool]] = {
    "start": ("datetime64[ns, UTC]", True),
    "end": ("datetime64[ns, UTC]", True),
    "account": ("string", False),
    "provider": ("string", True),
    "region": ("string", True),
    "service": ("string", True),
    "kind": ("string", True),
    "instance_type": ("string", False),
    "quantity": ("float64", True),
    "unit": ("string", True),
    "storage_class": ("string", False),
    "replication": ("float64", False),
    "utilization": ("float64", False),
    "cost": ("float64", False),
    "currency": ("string", False),
    "source_file": ("string", True),
    "source_row": ("int64", True),
    "note": ("string", False),
}

def empty_usage_table() -> pd.DataFrame:
    """Return a UsageTable with no rows and the canonical columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, (t, _) in USAGE_COLUMNS.items()})


def validate_usage_table(table: pd.DataFrame, *, name: str = "usage table") -> pd.DataFrame:
    """Check that ``table`` is a UsageTable and return it with canonical dtypes.

    Parameters
    ----------
    table : pandas.DataFrame
        Records with (at least) the required canonical columns.
    name : str
        How to call the table in error messages (usually its file name).

    Returns
    -------
    pandas.DataFrame
        A copy with every canonical column present (optional ones filled with
        missing values) and cast to its canonical dtype.

    Raises
    ------
    ValueError
        If a required column is missing, a number is infinite or beyond
        1e30, or a ``kind`` or ``provider`` is not one carbonlab knows; the
        message names the column and the first offending row.
    """
    missing = [c for c, (_, req) in USAGE_COLUMNS.items() if req and c not in table.columns]
    if missing:
        raise ValueError(f"{name}: missing required UsageTable column(s) {missing}")
    out = table.copy()
    for col, (dtype, _) in USAGE_COLUMNS.items():
        if col not in out.columns:
            out[col] = pd.Series(np.nan if dtype == "float64" else pd.NA, index=out.index)
        if dtype.startswith("datetime"):
            out[col] = pd.to_datetime(out[col], utc=True).astype("datetime64[ns, UTC]")
        else:
            out[col] = out[col].astype(dtype)
    for col in ("quantity", "cost", "replication", "utilization"):
        values = out[col].to_numpy(dtype=float)
        bad = np.isinf(values) | (np.abs(np.nan_to_num(values)) > 1e30)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{name}: row {out['source_row'].iloc[i]} column {col!r}: {values[i]!r} is not a finite "
                             "number of a sane size")
    for col, allowed in (("kind", KINDS), ("provider", PROVIDERS + ("unknown",))):
        bad = ~out[col].isin(allowed)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{name}: row {out['source_row'].iloc[i]} column {col!r}: "
                f"{out[col].iloc[i]!r} is not one of {allowed}"
            )
    return out


# --- variables registry ------------------------------------------------------
#: Every variable carbonlab produces: units (pint-parseable), long_name,
#: description and cell_methods.  Amounts per time bin use ``time: sum``;
#: rates and factors use ``time: mean``.
VARIABLES: dict[str, dict[str, str]] = {
    # usage cube
    "vcpu_hours": dict(units="h", long_name="vCPU hours", cell_methods="time: sum",
                       description="Virtual CPU time billed, as vCPU x hours (replicas not included)."),
    "cpu_energy_idle": dict(units="kWh", long_name="CPU energy at idle power", cell_methods="time: sum",
                            description="Sum over records of vCPU-hours x replication x minimum watts per vCPU."),
    "cpu_energy_span_measured": dict(
        units="kWh", long_name="CPU energy span weighted by measured utilisation", cell_methods="time: sum",
        description="Sum over records with a measured utilisation u of vCPU-hours x u x (max - min) watts."),
    "cpu_energy_span_unmeasured": dict(
        units="kWh", long_name="CPU energy span of records without utilisation", cell_methods="time: sum",
        description="Sum over records without utilisation of vCPU-hours x (max - min) watts; "
                    "multiplied by the methodology's default utilisation."),
    "gpu_hours": dict(units="h", long_name="GPU hours", cell_methods="time: sum",
                      description="GPU time billed, as GPUs x hours."),
    "gpu_energy_idle": dict(units="kWh", long_name="GPU energy at idle power", cell_methods="time: sum",
                            description="Sum over records of GPU-hours x minimum watts per GPU."),
    "gpu_energy_span_measured": dict(
        units="kWh", long_name="GPU energy span weighted by measured utilisation", cell_methods="time: sum",
        description="Sum over records with measured utilisation u of GPU-hours x u x (max - min) watts."),
    "gpu_energy_span_unmeasured": dict(
        units="kWh", long_name="GPU energy span of records without utilisation", cell_methods="time: sum",
        description="Sum over records without utilisation of GPU-hours x (max - min) watts."),
    "memory_gb_hours": dict(units="GB h", long_name="memory gigabyte hours", cell_methods="time: sum",
                            description="Memory billed by memory records."),
    "memory_gb_hours_replicated": dict(units="GB h", long_name="memory gigabyte hours with replicas",
                                       cell_methods="time: sum",
                                       description="Memory billed x the replication factor of each record."),
    "memory_extra_gb_hours": dict(
        units="GB h", long_name="memory beyond the benchmark server", cell_methods="time: sum",
        description="Memory of compute records above the SPECpower server's memory per chip "
                    "(CCF's rule); counted only when the methodology enables it."),
    "storage_ssd_tb_hours": dict(units="TB h", long_name="SSD storage terabyte hours", cell_methods="time: sum",
                                 description="Allocated SSD capacity x time, as billed."),
    "storage_hdd_tb_hours": dict(units="TB h", long_name="HDD storage terabyte hours", cell_methods="time: sum",
                                 description="Allocated HDD capacity x time, as billed."),
    "storage_ssd_tb_hours_replicated": dict(units="TB h", long_name="SSD storage terabyte hours with replicas",
                                            cell_methods="time: sum",
                                            description="Billed SSD capacity x time x replication factor."),
    "storage_hdd_tb_hours_replicated": dict(units="TB h", long_name="HDD storage terabyte hours with replicas",
                                            cell_methods="time: sum",
                                            description="Billed HDD capacity x time x replication factor."),
    "network_gb": dict(units="GB", long_name="network data transferred", cell_methods="time: sum",
                       description="Data moved between data centres (replication not applied)."),
    "instance_hours": dict(units="h", long_name="instance hours", cell_methods="time: sum",
                           description="Hours of instances with a known platform, replicas included (for embodied carbon)."),
    "vcpu_hours_unknown_platform": dict(
        units="h", long_name="vCPU hours of unknown instance types", cell_methods="time: sum",
        description="vCPU time of compute records whose instance type is not in the instance table: CPU "
                    "power uses the cloud's fallback watts and no embodied emissions are estimated."),
    "embodied_reserved": dict(
        units="kg h", long_name="embodied emissions times reserved time", cell_methods="time: sum",
        description="Sum over records of TE x time reserved x resource share; divided by the expected "
                    "lifespan it gives the embodied emissions."),
    # footprint
    "energy_it": dict(units="kWh", long_name="IT energy", cell_methods="time: sum",
                      description="Electricity used by the IT equipment, per component."),
    "pue": dict(units="1", long_name="power usage effectiveness", cell_methods="time: mean",
                description="Facility energy divided by IT energy."),
    "energy": dict(units="kWh", long_name="facility energy", cell_methods="time: sum",
                   description="IT energy x PUE: the electricity the data centre draws for this usage."),
    "grid_intensity": dict(units="g kWh-1", long_name="grid carbon intensity", cell_methods="time: mean",
                           description="Grams of CO2-equivalent per kWh of electricity, by basis."),
    "co2e_operational": dict(units="g", long_name="operational emissions (CO2e)", cell_methods="time: sum",
                             description="Facility energy x grid carbon intensity, by basis."),
    "co2e_embodied": dict(units="g", long_name="embodied emissions (CO2e)", cell_methods="time: sum",
                          description="Hardware manufacturing emissions amortised over the expected lifespan."),
    "wue": dict(units="L kWh-1", long_name="water usage effectiveness", cell_methods="time: mean",
                description="Site water use per kWh of IT energy."),
    "water": dict(units="L", long_name="water consumption", cell_methods="time: sum",
                  description="IT energy x WUE (site water for cooling)."),
    "unattributed_quantity": dict(units="1", long_name="usage not attributed", cell_methods="time: sum",
                                  description="Quantity of records carbonlab could not place, in the unit "
                                              "given by unattributed_unit."),
    "unattributed_cost": dict(units="1", long_name="cost not attributed", cell_methods="time: sum",
                              description="Billed cost of records carbonlab could not place, in the bill's currency."),
    "unattributed_records": dict(units="1", long_name="records not attributed", cell_methods="time: sum",
                                 description="Number of usage records carbonlab could not place."),
}


def set_attrs(da: xr.DataArray, name: str, **extra: str) -> xr.DataArray:
    """Name ``da`` and set its attrs from the registry entry ``name``.

    Parameters
    ----------
    da : xarray.DataArray
        The array to stamp.  It is renamed and its attrs are replaced.
    name : str
        Key in :data:`VARIABLES`.
    **extra
        Further attrs (for example ``source``).

    Returns
    -------
    xarray.DataArray
    """
    try:
        spec = VARIABLES[name]
    except KeyError:
        raise KeyError(f"{name!r} is not in carbonlab.core.schema.VARIABLES") from None
    da = da.rename(name)
    da.attrs = {**spec, **extra}
    return da


def time_coordinate(times: pd.DatetimeIndex) -> xr.DataArray:
    """Return a CF-style hourly ``time`` coordinate (UTC, tz-naive values)."""
    values = pd.DatetimeIndex(times)
    if values.tz is not None:
        values = values.tz_convert("UTC").tz_localize(None)
    return xr.DataArray(
        values.values, dims=TIME,
        attrs={"standard_name": "time", "long_name": "start of the hour (UTC)", "axis": "T"},
    )


VARIABLES.update({
    "co2e_allocated": dict(
        units="t", long_name="emissions allocated to an account (CO2e)", cell_methods="time: sum",
        description="The share of a provider's inventory that a provider-side allocation assigns to an "
                    "account's use of a service in a region and month, by GHG scope and Scope 2 basis."),
    "co2e_kept": dict(
        units="t", long_name="emissions kept by the provider (CO2e)", cell_methods="time: sum",
        description="The part of the inventory an allocation passes to no customer account, by reason "
                    "(unused capacity, overhead, internal teams, unresolved dependencies, no recipient)."),
    "co2e_inventory": dict(
        units="t", long_name="provider inventory inside the allocation boundary (CO2e)",
        cell_methods="time: sum",
        description="Scope 1, 2 and (when the version includes it) amortised Scope 3 emissions of the "
                    "provider's clusters and racks; equals allocated plus kept."),
    "co2e_account": dict(
        units="t", long_name="account total (CO2e)", cell_methods="time: sum",
        description="An account's allocated emissions summed over services, regions and scopes, on one basis."),
    "co2e_change": dict(
        units="t", long_name="change in an account's emissions, by cause (CO2e)", cell_methods="time: sum",
        description="Difference between two allocation versions for one account, attributed to groups of "
                    "parameters (Shapley values, or sequential steps); sums to the total change."),
})  # allocation (issue 5)


# grid signals (issue 4)
VARIABLES.update({
    "grid_intensity_filled": dict(
        units="1", long_name="grid intensity gap-filled flag", cell_methods="time: mean",
        description="True where a reader filled a missing hour of the grid signal (linear interpolation up to "
                    "max_gap hours, else the month x hour-of-day mean of the zone)."),
    "grid_cfe_share": dict(
        units="1", long_name="carbon-free share of grid electricity", cell_methods="time: mean",
        description="Fraction of the electricity consumed in the zone from low-carbon sources (renewables "
                    "and nuclear), Electricity Maps' 'Low Carbon Percentage' / 'CFE%' divided by 100."),
    "grid_renewable_share": dict(
        units="1", long_name="renewable share of grid electricity", cell_methods="time: mean",
        description="Fraction of the electricity consumed in the zone from renewable sources (nuclear "
                    "excluded), Electricity Maps' 'Renewable Percentage' divided by 100."),
    "grid_estimated": dict(
        units="1", long_name="grid signal estimated by the data provider", cell_methods="time: mean",
        description="True where Electricity Maps flags the hour as estimated (modelled, not measured)."),
    "marginal_emission_factor": dict(
        units="g kWh-1", long_name="marginal emission factor", cell_methods="time: mean",
        description="Slope of hourly changes in emissions on hourly changes in fossil generation "
                    "(Siler-Evans, Azevedo and Morgan 2012), per group of hours."),
    "marginal_emission_factor_stderr": dict(
        units="g kWh-1", long_name="standard error of the marginal emission factor", cell_methods="time: mean",
        description="Ordinary-least-squares standard error of the slope."),
    "marginal_intercept": dict(
        units="kg", long_name="intercept of the marginal regression", cell_methods="time: mean",
        description="Change in hourly emissions not explained by the change in fossil generation."),
    "marginal_r2": dict(units="1", long_name="coefficient of determination of the marginal regression",
                        cell_methods="time: mean", description="R squared of the least-squares fit."),
    "marginal_n": dict(units="1", long_name="number of hourly changes in the regression",
                       cell_methods="time: sum", description="Pairs of consecutive hours used in the fit."),
    "cfe_score": dict(
        units="1", long_name="carbon-free energy score (hourly matched)", cell_methods="time: mean",
        description="Share of the load met in the same hour by contracted clean energy, plus the grid's "
                    "carbon-free share of the unmatched remainder (Google-style 24/7 CFE)."),
    "energy_matched": dict(units="kWh", long_name="load matched by clean supply in the same hour",
                           cell_methods="time: sum", description="min(load, clean supply) per hour."),
    "clean_surplus": dict(units="kWh", long_name="clean supply not matched to load in its hour",
                          cell_methods="time: sum", description="max(0, clean supply - load) per hour; "
                                                                "hourly matching does not carry it to another hour."),
    "market_step_energy": dict(
        units="kWh", long_name="energy by step of the Scope 2 market-based hierarchy", cell_methods="time: sum",
        description="Facility energy covered by each step: contractual instruments (EACs, PPAs), "
                    "supplier-specific factor, residual mix, grid average."),
})

VARIABLES.update({
    "cost_attributed": dict(
        units="1", long_name="cost of attributed usage", cell_methods="time: sum",
        description="Billed cost of the records placed in the cube, in the bill's currency (the denominator "
                    "of the cost-ratio estimate of unattributed usage)."),
    "unattributed_energy_estimate": dict(
        units="kWh", long_name="estimated facility energy of unattributed usage", cell_methods="time: sum",
        description="Cloud Carbon Footprint's cost-ratio method: the unattributed cost times the provider's "
                    "facility energy per unit of attributed cost. An estimate, not a physical model."),
    "unattributed_co2e_estimate": dict(
        units="g", long_name="estimated operational emissions of unattributed usage (CO2e)",
        cell_methods="time: sum",
        description="Cloud Carbon Footprint's cost-ratio method: the unattributed cost times the provider's "
                    "operational CO2e per unit of attributed cost, by basis. An estimate."),
})  # readers and the unattributed estimate (issue 3)
