"""Build ``datasets/regions/regions.csv``: one row per cloud region with grid zone, PUE, WUE, CFE and intensities.

Source: Green Software Foundation, Real Time Cloud, ``Cloud_Region_Metadata.csv`` (provider-published annual
metadata per year, provider and region), commit b2858aa (2026-03-12).  The project keeps an unchanged copy
in ``../shared/reference-data/real-time-cloud/`` which this script reads by default; pass ``--source FILE``
to build from a fresh download of
https://github.com/Green-Software-Foundation/real-time-cloud/blob/main/Cloud_Region_Metadata.csv.
The GSF *estimate* file (2024/2025 projections) is not used.

Rules (see the data card): for each field the latest year with a value is taken and its year recorded;
intensities of a year that merely repeat the previous year's (average, marginal) pair are treated as carried
forward and the earlier year is used; nothing is filled in where the file has no value.

Usage::

    python datasets/build/build_regions.py [--source Cloud_Region_Metadata.csv]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from _buildlib import DATASETS, SHARED, write_csv

OUT = DATASETS / "regions" / "regions.csv"
SOURCE = SHARED / "reference-data" / "real-time-cloud" / "Cloud_Region_Metadata.csv"

COLUMNS = ["provider", "region", "name", "country", "latitude", "longitude", "grid_zone", "watttime_region",
           "pue", "pue_year", "wue", "wue_year", "cfe", "cfe_year", "intensity_average", "intensity_marginal",
           "intensity_year", "market_intensity", "market_year"]

PROVIDERS = {"Amazon Web Services": "aws", "Google Cloud": "gcp", "Microsoft Azure": "azure"}

#: Country (ISO 3166-1 alpha-2) of regions whose rows carry no Electricity Maps zone, from their location.
COUNTRY_NO_ZONE = {
    ("aws", "ca-west-1"): "CA",        # Canada West (Calgary)
    ("aws", "cn-north-1"): "CN",       # China (Beijing)
    ("aws", "cn-northwest-1"): "CN",   # China (Ningxia)
    ("gcp", "europe-north2"): "SE",    # Stockholm
    ("gcp", "europe-west10"): "DE",    # Berlin
    ("gcp", "northamerica-south1"): "MX",  # Mexico (Querétaro)
    ("gcp", "us-east2"): "US",         # Georgia
    ("azure", "westcentralus"): "US",  # Wyoming
    ("azure", "westus3"): "US",        # Arizona
}

#: Rows dropped as known errors of the source: Azure northeurope (Dublin) appears twice in 2022 and 2023,
#: once with Electricity Maps zone FI.
DROP = {("azure", "northeurope", "FI")}


def _num(text: str):
    text = (text or "").strip()
    return float(text) if text else None


def load(path: Path) -> dict:
    by_region: dict = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            provider = PROVIDERS[row["cloud-provider"].strip()]
            region = row["cloud-region"].strip()
            if provider == "azure":
                region = region.lower().replace(" ", "")
            if (provider, region, row["em-zone-id"].strip()) in DROP:
                continue
            year = int(row["year"])
            by_region.setdefault((provider, region), {})
            if year in by_region[(provider, region)]:
                raise SystemExit(f"duplicate row {provider} {region} {year}")
            by_region[(provider, region)][year] = row
    return by_region


def latest(years: dict, column: str, parse=_num):
    """(value, year) of the latest year whose ``column`` is not empty, else (None, None)."""
    for y in sorted(years, reverse=True):
        text = years[y].get(column, "")
        if text is not None and text.strip():
            return parse(text), y
    return None, None


def intensities(years: dict):
    """Average and marginal intensity from the latest year that is not a carry-forward of the year before."""
    avg_col = "grid-carbon-intensity-average-consumption-annual"
    mar_col = "grid-carbon-intensity-marginal-consumption-annual"
    for y in sorted(years, reverse=True):
        pair = (_num(years[y][avg_col]), _num(years[y][mar_col]))
        if pair == (None, None):
            continue
        prev = years.get(y - 1)
        if prev is not None and (_num(prev[avg_col]), _num(prev[mar_col])) == pair:
            continue                      # the same numbers as the year before: carried forward
        return pair[0], pair[1], y
    return None, None, None


def build(path: Path) -> list[dict]:
    rows = []
    for (provider, region), years in load(path).items():
        name, _ = latest(years, "location", str.strip)
        zone, _ = latest(years, "em-zone-id", str.strip)
        wt, _ = latest(years, "wt-region-id", str.strip)
        geo, _ = latest(years, "geolocation", str.strip)
        lat, lon = (float(v) for v in geo.split(",")) if geo else (None, None)
        country = zone.split("-")[0] if zone else COUNTRY_NO_ZONE.get((provider, region))
        if not country or len(country) != 2:
            raise SystemExit(f"no country for {provider} {region}")
        pue, pue_year = latest(years, "power-usage-effectiveness")
        wue, wue_year = latest(years, "water-usage-effectiveness")
        cfe, cfe_year = latest(years, "provider-cfe-annual")
        avg, mar, i_year = intensities(years)
        market, market_year = latest(years, "provider-carbon-intensity-market-annual")
        rows.append(dict(provider=provider, region=region, name=name, country=country, latitude=lat, longitude=lon,
                         grid_zone=zone, watttime_region=wt, pue=pue, pue_year=pue_year, wue=wue, wue_year=wue_year,
                         cfe=cfe, cfe_year=cfe_year, intensity_average=avg, intensity_marginal=mar,
                         intensity_year=i_year, market_intensity=market, market_year=market_year))
    order = {"aws": 0, "gcp": 1, "azure": 2}
    rows.sort(key=lambda r: (order[r["provider"]], r["region"]))
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", default=str(SOURCE), help="GSF Real Time Cloud Cloud_Region_Metadata.csv")
    args = ap.parse_args(argv)
    rows = build(Path(args.source))
    write_csv(OUT, COLUMNS, rows)
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
