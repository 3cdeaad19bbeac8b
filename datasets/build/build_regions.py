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

Extension (issue 4): every region of Cloud Carbon Footprint's emission-factor tables
(``datasets/coefficients/ccf_emission_factors.csv``, key ``region_key``) that GSF does not list is added, with
its Electricity Maps zone from CCF's ``*_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES`` tables (npm
@cloud-carbon-footprint/aws 0.15.0 ``dist/lib/AWSRegions.js``, /azure 1.8.0 ``dist/lib/AzureRegions.js``,
copied below as :data:`CCF_ZONES`; ``--ccf-node-modules DIR`` checks the copy against the packages), the
provider's published location, and the annual intensities of the GSF rows of the same zone.  Columns
``intensity_source`` and ``location_source`` say where each row's values come from.

Extension (OCI as a fourth provider): the Oracle Cloud Infrastructure regions of ``_oci_regions.py`` (Oracle's
region table; city coordinates from GeoNames; the Electricity Maps zone of the city), with the annual
intensities of the GSF rows of the same zone by the same rule as the added regions; where the zone has no GSF
row, the marginal value of the same-city region's WattTime region.  No PUE, WUE, CFE or market values: Oracle
publishes none per region in the sources we searched.

Usage::

    python datasets/build/build_regions.py [--source Cloud_Region_Metadata.csv]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from _buildlib import DATASETS, SHARED, write_csv
from _oci_regions import oci_rows

OUT = DATASETS / "regions" / "regions.csv"
SOURCE = SHARED / "reference-data" / "real-time-cloud" / "Cloud_Region_Metadata.csv"

COLUMNS = ["provider", "region", "name", "country", "latitude", "longitude", "grid_zone", "watttime_region",
           "pue", "pue_year", "wue", "wue_year", "cfe", "cfe_year", "intensity_average", "intensity_marginal",
           "intensity_year", "market_intensity", "market_year", "intensity_source", "location_source"]

PROVIDERS = {"Amazon Web Services": "aws", "Google Cloud": "gcp", "Microsoft Azure": "azure"}  # GSF's names

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


def build_gsf(path: Path) -> list[dict]:
    """One row per region listed by GSF (the original rules)."""
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
                         intensity_year=i_year, market_intensity=market, market_year=market_year,
                         intensity_source="gsf:region" if i_year else None,
                         location_source="gsf:geolocation" if geo else None))
    return rows


# --------------------------------------------------------------------------------------------------------------
# Extension: the regions of CCF's emission-factor tables that GSF does not list (issue 4)
# --------------------------------------------------------------------------------------------------------------

CCF_EMISSION_FACTORS = DATASETS / "coefficients" / "ccf_emission_factors.csv"
GSF_ZONE_YEAR = 2023     # the year in which AWS, Azure and GCP rows all carry real (not carried-forward) values

#: CCF's region -> Electricity Maps zone tables, as published in npm @cloud-carbon-footprint/azure 1.8.0
#: ``dist/lib/AzureRegions.js`` (AZURE_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES) and /aws 0.15.0
#: ``dist/lib/AWSRegions.js`` (AWS_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES); None where CCF has null.
#: Keys are CCF's region names lower-cased (carbonlab's Azure codes).
CCF_ZONES = {
    "azure": {
        "southafricanorth": "ZA", "southafricawest": "ZA", "australiacentral": "AU-NSW",
        "australiacentral2": "AU-NSW", "australiaeast": "AU-NSW", "australiasoutheast": "AU-VIC", "apeast": None,
        "apsoutheast": "SG", "japaneast": "JP-TK", "japanwest": "JP-KN", "koreacentral": "KR", "koreasouth": "KR",
        "centralindia": "IN-WE", "southindia": "IN-SO", "westindia": "IN-WE", "northeurope": "IE",
        "westeurope": "NL", "francecentral": "FR", "francesouth": "FR", "swedencentral": "SE-SE3",
        "switzerlandnorth": "CH", "switzerlandwest": "CH", "uksouth": "GB", "ukwest": "GB", "uk": "GB",
        "germany": "DE", "germanynorth": "DE", "germanywestcentral": "DE", "norwayeast": "NO-NO1",
        "norwaywest": "NO-NO2", "uaecentral": None, "uaenorth": None, "canadacentral": "CA-ON",
        "canadaeast": "CA-QC", "centralus": "US-MIDW-MISO", "centraluseuap": "US-MIDW-MISO",
        "centralusstage": "US-MIDW-MISO", "unitedstates": "US-MIDW-MISO", "unitedstateseuap": "US-MIDW-MISO",
        "eastus": "US-MIDA-PJM", "eastusstage": "US-MIDA-PJM", "eastus2": "US-MIDA-PJM",
        "eastus2euap": "US-MIDA-PJM", "eastus2stage": "US-MIDA-PJM", "eastus3": "US-MIDA-PJM",
        "usnorth": "US-MIDW-MISO", "northcentralus": "US-MIDW-MISO", "northcentralusstage": "US-MIDW-MISO",
        "southcentralus": "US-TEX-ERCO", "southcentralusstage": "US-TEX-ERCO", "westcentralus": "US-NW-PACE",
        "westus": "US-CAL-CISO", "westusstage": "US-CAL-CISO", "westus2": "US-NW-PACE", "westus2stage": "US-NW-PACE",
        "westus3": "US-NW-PACE", "brazilsouth": "BR-CS", "brazilsoutheast": "BR-CS", "unknown": None,
    },
    "aws": {
        "us-east-1": "US-MIDA-PJM", "us-east-2": "US-MIDA-PJM", "us-west-1": "US-CAL-CISO", "us-west-2": "US-NW-PACW",
        "af-south-1": "ZA", "ap-east-1": None, "ap-south-1": "IN-WE", "ap-northeast-3": "JP-KN",
        "ap-northeast-2": "KR", "ap-southeast-1": "SG", "ap-southeast-2": "AU-NSW", "ap-northeast-1": "JP-TK",
        "ap-southeast-3": "ID", "ca-central-1": "CA-QC", "cn-north-1": None, "cn-northwest-1": None,
        "eu-central-1": "DE", "eu-west-1": "IE", "eu-west-2": "GB", "eu-south-1": "IT-NO", "eu-west-3": "FR",
        "eu-north-1": "SE-SE3", "me-south-1": None, "me-central-1": None, "sa-east-1": "BR-CS",
        "us-gov-east-1": "US-MIDA-PJM", "us-gov-west-1": "US-NW-PACW", "unknown": None,
    },
}

#: Where carbonlab departs from CCF's zone, and why.
ZONE_OVERRIDES = {
    ("azure", "westus2"): ("US-NW-BPAT", "CCF maps West US 2 to US-NW-PACE (PacifiCorp East: Utah, Wyoming), but "
                                         "Microsoft places it in Washington (Quincy); GSF uses US-NW-BPAT for "
                                         "those coordinates"),
    ("azure", "westus2stage"): ("US-NW-BPAT", "staging region of westus2 (see westus2)"),
    ("azure", "eastasia"): ("HK", "not in CCF's zone table; Microsoft places East Asia in Hong Kong"),
    ("azure", "eastasiastage"): ("HK", "staging region of eastasia (Hong Kong); not in CCF's zone table"),
    ("azure", "apeast"): ("HK", "CCF has null; 'AP East' is the legacy billing name of East Asia (Hong Kong)"),
    ("azure", "southeastasiastage"): ("SG", "staging region of southeastasia (Singapore); not in CCF's zone table"),
    ("azure", "jioindiacentral"): ("IN-WE", "not in CCF's zone table; Microsoft places it in Nagpur (Maharashtra, "
                                            "western grid region)"),
    ("azure", "jioindiawest"): ("IN-WE", "not in CCF's zone table; Microsoft places it in Jamnagar (Gujarat, "
                                         "western grid region)"),
    ("azure", "uaenorth"): ("AE", "CCF has null; Microsoft places UAE North in Dubai"),
    ("azure", "uaecentral"): ("AE", "CCF has null; Microsoft places UAE Central in Abu Dhabi"),
    ("azure", "unitedstates"): (None, "a national billing geography; CCF's US-MIDW-MISO is arbitrary"),
    ("azure", "unitedstateseuap"): (None, "a national billing geography; CCF's US-MIDW-MISO is arbitrary"),
}

#: Corrections to GSF rows: Microsoft's Azure Resource Manager metadata places West US in California
#: (San Francisco, 37.783, -122.417); GSF labels it "Washington: West US" with Quincy coordinates and zone
#: US-NW-BPAT, which are West US 2's.  PUE and WUE (Microsoft's disclosures under the name westus) are kept.
GSF_CORRECTIONS = {
    ("azure", "westus"): dict(name="California: West US", latitude=37.783, longitude=-122.417,
                              grid_zone="US-CAL-CISO", watttime_region="CAISO_NORTH",
                              location_source="azure-arm: list-locations (GSF says Washington: wrong)"),
    ("azure", "westus3"): dict(grid_zone="US-SW-AZPS",
                               location_source="gsf:geolocation; zone from GSF's WattTime region AZPS (GSF has "
                                               "no zone; CCF's US-NW-PACE is not Arizona)"),
}

#: Provider locations of the added regions.  Azure: Azure Resource Manager location metadata (latitude,
#: longitude, physicalLocation) as returned by ``az account list-locations`` -- copy in nextflow-io/nextflow
#: ``plugins/nf-azure/src/resources/nextflow/cloud/azure/az-locations.json`` @84193e3 and @101a67c, accessed
#: 2026-11-22.  ``None`` coordinates: logical (staging, billing) locations Microsoft gives none for.
#: (provider, region): (name, country, latitude, longitude, parent or None)
ADDED = {
    ("azure", "southafricanorth"): ("Johannesburg: South Africa North", "ZA", -25.73134, 28.21837, None),
    ("azure", "southafricawest"): ("Cape Town: South Africa West", "ZA", -34.075691, 18.843266, None),
    ("azure", "southafrica"): ("South Africa (geography)", "ZA", None, None, None),
    ("azure", "australia"): ("Australia (geography)", "AU", None, None, None),
    ("azure", "australiacentral"): ("Canberra: Australia Central", "AU", -35.3075, 149.1244, None),
    ("azure", "australiacentral2"): ("Canberra: Australia Central 2", "AU", -35.3075, 149.1244, None),
    ("azure", "apeast"): ("AP East (legacy name of East Asia, Hong Kong)", "HK", None, None, "eastasia"),
    ("azure", "apsoutheast"): ("AP Southeast (legacy name of Southeast Asia, Singapore)", "SG", None, None,
                               "southeastasia"),
    ("azure", "japaneast"): ("Tokyo, Saitama: Japan East", "JP", 35.68, 139.77, None),
    ("azure", "japanwest"): ("Osaka: Japan West", "JP", 34.6939, 135.5022, None),
    ("azure", "japan"): ("Japan (geography)", "JP", None, None, None),
    ("azure", "korea"): ("Korea (geography)", "KR", None, None, None),
    ("azure", "koreacentral"): ("Seoul: Korea Central", "KR", 37.5665, 126.978, None),
    ("azure", "koreasouth"): ("Busan: Korea South", "KR", 35.1796, 129.0756, None),
    ("azure", "eastasia"): ("Hong Kong: East Asia", "HK", 22.267, 114.188, None),
    ("azure", "eastasiastage"): ("East Asia (Stage)", "HK", None, None, "eastasia"),
    ("azure", "southeastasiastage"): ("Southeast Asia (Stage)", "SG", None, None, "southeastasia"),
    ("azure", "india"): ("India (geography)", "IN", None, None, None),
    ("azure", "centralindia"): ("Pune: Central India", "IN", 18.5822, 73.9197, None),
    ("azure", "jioindiacentral"): ("Nagpur: Jio India Central", "IN", 21.146633, 79.08886, None),
    ("azure", "jioindiawest"): ("Jamnagar: Jio India West", "IN", 22.470701, 70.05773, None),
    ("azure", "southindia"): ("Chennai: South India", "IN", 12.9822, 80.1636, None),
    ("azure", "westindia"): ("Mumbai: West India", "IN", 19.088, 72.868, None),
    ("azure", "francecentral"): ("Paris: France Central", "FR", 46.3772, 2.373, None),
    ("azure", "francesouth"): ("Marseille: France South", "FR", 43.8345, 2.1972, None),
    ("azure", "france"): ("France (geography)", "FR", None, None, None),
    ("azure", "switzerland"): ("Switzerland (geography)", "CH", None, None, None),
    ("azure", "switzerlandnorth"): ("Zurich: Switzerland North", "CH", 47.451542, 8.564572, None),
    ("azure", "switzerlandwest"): ("Geneva: Switzerland West", "CH", 46.204391, 6.143158, None),
    ("azure", "uksouth"): ("London: UK South", "GB", 50.941, -0.799, None),
    ("azure", "ukwest"): ("Cardiff: UK West", "GB", 53.427, -3.084, None),
    ("azure", "uk"): ("United Kingdom (geography)", "GB", None, None, None),
    ("azure", "germany"): ("Germany (geography)", "DE", None, None, None),
    ("azure", "germanynorth"): ("Berlin: Germany North", "DE", 53.073635, 8.806422, None),
    ("azure", "germanywestcentral"): ("Frankfurt: Germany West Central", "DE", 50.110924, 8.682127, None),
    ("azure", "norway"): ("Norway (geography)", "NO", None, None, None),
    ("azure", "norwayeast"): ("Norway East", "NO", 59.913868, 10.752245, None),
    ("azure", "norwaywest"): ("Norway West", "NO", 58.969975, 5.733107, None),
    ("azure", "uae"): ("UAE (geography)", "AE", None, None, None),
    ("azure", "uaecentral"): ("Abu Dhabi: UAE Central", "AE", 24.466667, 54.366669, None),
    ("azure", "uaenorth"): ("Dubai: UAE North", "AE", 25.266666, 55.316666, None),
    ("azure", "canada"): ("Canada (geography)", "CA", None, None, None),
    ("azure", "canadacentral"): ("Toronto: Canada Central", "CA", 43.653, -79.383, None),
    ("azure", "canadaeast"): ("Quebec: Canada East", "CA", 46.817, -71.217, None),
    ("azure", "centraluseuap"): ("Central US EUAP", "US", 41.5908, -93.6208, None),
    ("azure", "centralusstage"): ("Central US (Stage)", "US", None, None, "centralus"),
    ("azure", "unitedstates"): ("United States (geography)", "US", None, None, None),
    ("azure", "unitedstateseuap"): ("United States EUAP (geography)", "US", None, None, None),
    ("azure", "eastusstage"): ("East US (Stage)", "US", None, None, "eastus"),
    ("azure", "eastus2euap"): ("East US 2 EUAP", "US", 36.6681, -78.3889, None),
    ("azure", "eastus2stage"): ("East US 2 (Stage)", "US", None, None, "eastus2"),
    ("azure", "usnorth"): ("US North (CCF name; no Microsoft location)", "US", None, None, None),
    ("azure", "northcentralusstage"): ("North Central US (Stage)", "US", None, None, "northcentralus"),
    ("azure", "southcentralusstage"): ("South Central US (Stage)", "US", None, None, "southcentralus"),
    ("azure", "westusstage"): ("West US (Stage)", "US", None, None, "westus"),
    ("azure", "westus2"): ("Washington: West US 2", "US", 47.233, -119.852, None),
    ("azure", "westus2stage"): ("West US 2 (Stage)", "US", None, None, "westus2"),
    ("azure", "brazil"): ("Brazil (geography)", "BR", None, None, None),
    ("azure", "brazilsoutheast"): ("Rio: Brazil Southeast", "BR", -22.90278, -43.2075, None),
    ("gcp", "us-central2"): ("us-central2 (Cloud TPU only; Google publishes no location)", "US", None, None, None),
    ("gcp", "nam4"): ("Iowa and South Carolina (dual-region us-central1 + us-east1)", "US", None, None, None),
    ("gcp", "asia1"): ("Tokyo and Osaka (dual-region asia-northeast1 + asia-northeast2)", "JP", None, None, None),
    ("gcp", "us"): ("United States (multi-region)", "US", None, None, None),
}

#: CCF regions not added, and why: multi-country locations have no country, zone or site.
NOT_ADDED = {
    ("gcp", "eur4"): "dual-region europe-north1 (Finland) + europe-west4 (Netherlands): two countries",
    ("gcp", "europe"): "multi-region of several countries",
    ("gcp", "asia"): "multi-region of several countries",
    ("azure", "asia"): "billing geography of several countries",
    ("aws", "Unknown"): "CCF's fallback, not a region",
    ("gcp", "Unknown"): "CCF's fallback, not a region",
    ("azure", "Unknown"): "CCF's fallback, not a region",
}


def gsf_zone_values(path: Path) -> dict:
    """Per Electricity Maps zone: (average, marginal, year, WattTime regions) from GSF's rows of that zone."""
    avg_col = "grid-carbon-intensity-average-consumption-annual"
    mar_col = "grid-carbon-intensity-marginal-consumption-annual"
    by_zone: dict = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            zone = row["em-zone-id"].strip()
            if not zone or (PROVIDERS[row["cloud-provider"].strip()], row["cloud-region"].strip().lower().replace(
                    " ", ""), zone) in DROP:
                continue
            by_zone.setdefault(zone, {}).setdefault(int(row["year"]), []).append(
                (_num(row[avg_col]), _num(row[mar_col]), row["wt-region-id"].strip()))
    out = {}
    for zone, years in by_zone.items():
        year = GSF_ZONE_YEAR if GSF_ZONE_YEAR in years else max(years)
        rows = years[year]
        avgs = sorted({a for a, _, _ in rows if a is not None})
        mars = {(w, m) for _, m, w in rows if m is not None}
        if len(avgs) > 1:
            raise SystemExit(f"GSF zone {zone} {year}: different averages {avgs}")
        out[zone] = (avgs[0] if avgs else None, sorted(mars), year)
    return out


def _zone_intensities(zone: str, wt: str | None, zones: dict):
    """(average, marginal, year, watttime_region, note) of a zone from GSF, or Nones with a note."""
    if zone not in zones:
        return None, None, None, None, f"none: zone {zone} has no GSF row"
    avg, mars, year = zones[zone]
    regions = sorted({w for w, _ in mars})
    if wt and wt in regions:
        mar = [m for w, m in mars if w == wt][0]
        note = f"gsf:zone {zone} {year} (WattTime {wt})"
    elif len(regions) == 1:
        wt, mar = regions[0], mars[0][1]
        note = f"gsf:zone {zone} {year}"
    elif regions:
        mar = round(sum(m for _, m in mars) / len(mars), 2)
        wt = None
        note = f"gsf:zone {zone} {year} (marginal: mean of WattTime regions {', '.join(regions)})"
    else:
        mar, wt, note = None, None, f"gsf:zone {zone} {year} (no marginal value)"
    return avg, mar, year, wt, note


def gsf_watttime_values(path: Path) -> dict:
    """Per WattTime region: (marginal, year) from GSF's rows, the year chosen as for zones (OCI rows only)."""
    mar_col = "grid-carbon-intensity-marginal-consumption-annual"
    by_wt: dict = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            wt, mar = row["wt-region-id"].strip(), _num(row[mar_col])
            if wt and mar is not None:
                by_wt.setdefault(wt, {}).setdefault(int(row["year"]), set()).add(mar)
    out = {}
    for wt, years in by_wt.items():
        year = GSF_ZONE_YEAR if GSF_ZONE_YEAR in years else max(years)
        if len(years[year]) > 1:
            raise SystemExit(f"GSF WattTime region {wt} {year}: different marginal values {sorted(years[year])}")
        out[wt] = (years[year].pop(), year)
    return out


def ccf_regions(path: Path = CCF_EMISSION_FACTORS) -> set:
    with open(path, encoding="utf-8", newline="") as fh:
        return {(r["provider"], r["region_key"] or r["region"]) for r in csv.DictReader(fh)}


def extend(rows: list[dict], source: Path) -> list[dict]:
    """Apply the GSF corrections and add CCF's regions that GSF does not list."""
    zones = gsf_zone_values(source)
    have = {(r["provider"], r["region"]): r for r in rows}
    for key, fix in GSF_CORRECTIONS.items():
        r = have[key]
        r.update(fix)
        if "grid_zone" in fix:
            avg, mar, year, wt, note = _zone_intensities(fix["grid_zone"], fix.get("watttime_region")
                                                         or r["watttime_region"], zones)
            if avg is not None or key == ("azure", "westus"):
                r.update(intensity_average=avg, intensity_marginal=mar, intensity_year=year,
                         intensity_source=f"corrected, {note}")
            else:
                r["intensity_source"] = (r["intensity_source"] or "") + f"; zone {fix['grid_zone']} has no GSF row"
    missing = sorted(k for k in ccf_regions() if k not in have and k not in NOT_ADDED)
    unknown = [k for k in missing if k not in ADDED]
    if unknown:
        raise SystemExit(f"CCF regions without a location entry in ADDED: {unknown}")
    for provider, region in missing:
        name, country, lat, lon, parent = ADDED[(provider, region)]
        table = CCF_ZONES.get(provider)
        zone = (table or {}).get(region)
        zone_note = ("no CCF zone table for GCP" if table is None else "CCF zone table" if zone else
                     "CCF zone table: null" if region in table else "not in CCF's zone table")
        if (provider, region) in ZONE_OVERRIDES:
            zone, why = ZONE_OVERRIDES[(provider, region)]
            zone_note = f"zone override: {why}"
        row = dict.fromkeys(COLUMNS)
        row.update(provider=provider, region=region, name=name, country=country, latitude=lat, longitude=lon,
                   grid_zone=zone)
        if lat is not None:
            row["location_source"] = "azure-arm: list-locations"
        elif parent:
            row["location_source"] = f"none: logical location of {parent}; Microsoft publishes no coordinates"
        else:
            row["location_source"] = "none: billing geography or multi-region, no single site"
        if zone:
            hint = have[(provider, parent)]["watttime_region"] if parent and (provider, parent) in have else None
            avg, mar, year, wt, note = _zone_intensities(zone, hint, zones)
            row.update(watttime_region=wt, intensity_average=avg, intensity_marginal=mar, intensity_year=year,
                       intensity_source=f"{note}; {zone_note}")
        else:
            row["intensity_source"] = f"none: no grid zone ({zone_note}); carbonlab applies its country fallback"
        rows.append(row)
    return rows


def check_ccf_zones(node_modules: str) -> None:
    """Compare :data:`CCF_ZONES` with the zone tables in CCF's npm packages (needs node)."""
    import json
    import shutil
    import subprocess
    js = ("const p=require('path');const nm=process.argv[1];"
          "const a=require(p.join(nm,'@cloud-carbon-footprint/aws/dist/lib/AWSRegions.js'));"
          "const z=require(p.join(nm,'@cloud-carbon-footprint/azure/dist/lib/AzureRegions.js'));"
          "process.stdout.write(JSON.stringify({aws:a.AWS_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES,"
          "azure:z.AZURE_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES}))")
    out = subprocess.run([shutil.which("node"), "-e", js, node_modules], capture_output=True, text=True, check=True)
    npm = json.loads(out.stdout)
    for provider, table in npm.items():
        got = {k.lower(): v for k, v in table.items()}
        if got != CCF_ZONES[provider]:
            diff = {k for k in set(got) | set(CCF_ZONES[provider]) if got.get(k) != CCF_ZONES[provider].get(k)}
            raise SystemExit(f"CCF_ZONES[{provider!r}] differs from the npm package for {sorted(diff)}")


def build(path: Path) -> list[dict]:
    """All rows of ``regions.csv``: GSF's regions (corrected), CCF's regions GSF does not list, OCI's regions."""
    rows = extend(build_gsf(path), path)
    rows += [dict(dict.fromkeys(COLUMNS), **r)
             for r in oci_rows(gsf_zone_values(path), _zone_intensities, gsf_watttime_values(path))]
    order = {"aws": 0, "gcp": 1, "azure": 2, "oci": 3}
    rows.sort(key=lambda r: (order[r["provider"]], r["region"]))
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", default=str(SOURCE), help="GSF Real Time Cloud Cloud_Region_Metadata.csv")
    ap.add_argument("--ccf-node-modules", help="check CCF_ZONES against @cloud-carbon-footprint/{aws,azure} here")
    args = ap.parse_args(argv)
    if args.ccf_node_modules:
        check_ccf_zones(args.ccf_node_modules)
    rows = build(Path(args.source))
    write_csv(OUT, COLUMNS, rows)
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
