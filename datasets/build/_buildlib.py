"""Shared helpers of carbonlab's dataset build scripts.

Not part of the installed package's API: the scripts in ``datasets/build/``
import it as a sibling module.  It writes tidy CSV files deterministically
(same input, same bytes) and reads Cloud Carbon Footprint's published npm
packages through ``node``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

#: Repository root (``datasets/build/`` is two levels below it).
REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "datasets"
#: The project's read-only reference folder, used by some builds as a *source* only.
SHARED = REPO.parent / "shared"

#: Exact npm versions the builds read (``npm i @cloud-carbon-footprint/aws`` gives 0.15.0,
#: the only published version; it pins core 0.17.3 and common 1.15.0).
CCF_NPM_VERSIONS = {"@cloud-carbon-footprint/aws": "0.15.0", "@cloud-carbon-footprint/azure": "1.8.0"}


def fmt(value) -> str:
    """Format one CSV cell: '' for missing, 'true'/'false', shortest round-trip floats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    """Write ``rows`` (dicts) with exactly ``columns``, LF line ends, UTF-8, no index."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            extra = set(row) - set(columns)
            if extra:
                raise ValueError(f"{path.name}: unexpected keys {sorted(extra)}")
            w.writerow([fmt(row.get(c)) for c in columns])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dec(x) -> Decimal:
    """Decimal of a JSON number, from its shortest text (0.000379069 stays exact)."""
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


# --------------------------------------------------------------------------------------
# CCF npm packages
# --------------------------------------------------------------------------------------

_DUMP_JS = r"""
const path = require('path');
const fs = require('fs');
const nm = process.argv[1];
const pkg = (p) => path.join(nm, '@cloud-carbon-footprint', p);
const version = (p) => JSON.parse(fs.readFileSync(path.join(p, 'package.json'), 'utf8')).version;
const awsTypes = require(pkg('aws/dist/lib/AWSInstanceTypes.js'));
const awsDomain = require(pkg('aws/dist/domain/AwsFootprintEstimationConstants.js'));
const awsRegions = require(pkg('aws/dist/lib/AWSRegions.js')).AWS_REGIONS;
const azTypes = require(pkg('azure/dist/lib/VirtualMachineTypes.js'));
const azDomain = require(pkg('azure/dist/domain/AzureFootprintEstimationConstants.js'));
const azRegions = require(pkg('azure/dist/lib/AzureRegions.js')).AZURE_REGIONS;
const awsCoreDir = path.dirname(require.resolve('@cloud-carbon-footprint/core/package.json', {paths: [pkg('aws')]}));
const azCoreDir = path.dirname(require.resolve('@cloud-carbon-footprint/core/package.json', {paths: [pkg('azure')]}));
const awsCore = require(path.join(awsCoreDir, 'dist/FootprintEstimationConstants.js'));
// Which grid-factor keys are the US NERC factors: read from the constants' source text.
function nercKeys(file, re, resolve) {
  const src = fs.readFileSync(file, 'utf8');
  const out = {};
  for (const m of src.matchAll(re)) out[resolve(m[1])] = m[2];
  return out;
}
const awsNerc = nercKeys(pkg('aws/dist/domain/AwsFootprintEstimationConstants.js'),
  /\[AWSRegions_1\.AWS_REGIONS\.(\w+)\]:\s*core_1\.US_NERC_REGIONS_EMISSIONS_FACTORS\.(\w+)/g,
  (k) => awsRegions[k]);
const azNerc = nercKeys(pkg('azure/dist/domain/AzureFootprintEstimationConstants.js'),
  /\[AzureRegions_1\.AZURE_REGIONS\.(\w+)\.name\]:\s*core_1\.US_NERC_REGIONS_EMISSIONS_FACTORS\.(\w+)/g,
  (k) => azRegions[k].name);
// Object key order matters (CCF takes the *last* entry of a family as its largest type),
// so families are emitted as [key, value] pairs.
const pairs = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Object.entries(v)]));
const out = {
  versions: {aws: version(pkg('aws')), azure: version(pkg('azure')),
             'aws->core': version(awsCoreDir), 'azure->core': version(azCoreDir)},
  aws: {
    EC2_INSTANCE_TYPES: pairs(awsTypes.EC2_INSTANCE_TYPES),
    INSTANCE_FAMILY_TO_INSTANCE_TYPE_MAPPING: pairs(awsTypes.INSTANCE_FAMILY_TO_INSTANCE_TYPE_MAPPING),
    BURSTABLE_INSTANCE_BASELINE_UTILIZATION: awsTypes.BURSTABLE_INSTANCE_BASELINE_UTILIZATION,
    INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING: awsTypes.INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING,
    GPU_INSTANCES_TYPES: awsTypes.GPU_INSTANCES_TYPES,
    INSTANCE_TYPE_GPU_PROCESSOR_MAPPING: awsTypes.INSTANCE_TYPE_GPU_PROCESSOR_MAPPING,
    CONSTANTS: awsDomain.AWS_CLOUD_CONSTANTS,
    EMISSIONS_FACTORS: awsDomain.AWS_EMISSIONS_FACTORS_METRIC_TON_PER_KWH,
    NERC_KEYS: awsNerc,
  },
  azure: {
    VIRTUAL_MACHINE_TYPE_SERIES_MAPPING: pairs(azTypes.VIRTUAL_MACHINE_TYPE_SERIES_MAPPING),
    VIRTUAL_MACHINE_TYPE_CONSTRAINED_VCPU_CAPABLE_MAPPING: azTypes.VIRTUAL_MACHINE_TYPE_CONSTRAINED_VCPU_CAPABLE_MAPPING,
    INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING: azTypes.INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING,
    GPU_VIRTUAL_MACHINE_TYPES: azTypes.GPU_VIRTUAL_MACHINE_TYPES,
    GPU_VIRTUAL_MACHINE_TYPE_PROCESSOR_MAPPING: azTypes.GPU_VIRTUAL_MACHINE_TYPE_PROCESSOR_MAPPING,
    CONSTANTS: azDomain.AZURE_CLOUD_CONSTANTS,
    EMISSIONS_FACTORS: azDomain.AZURE_EMISSIONS_FACTORS_METRIC_TON_PER_KWH,
    NERC_KEYS: azNerc,
  },
  US_NERC_REGIONS_EMISSIONS_FACTORS: awsCore.US_NERC_REGIONS_EMISSIONS_FACTORS,
};
process.stdout.write(JSON.stringify(out));
"""


def _npm_install(dest: Path) -> Path:
    """Install the pinned CCF packages into ``dest`` with npm; return its node_modules."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm not found: install Node >= 18 or pass --ccf-node-modules DIR")
    (dest / "package.json").write_text(json.dumps(
        {"name": "carbonlab-dataset-build", "private": True, "dependencies": CCF_NPM_VERSIONS}, indent=1))
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                   cwd=dest, check=True, stdout=subprocess.DEVNULL)
    return dest / "node_modules"


def ccf_npm_dump(node_modules: str | os.PathLike | None) -> dict:
    """CCF's instance tables and constants as JSON, read from the npm packages with node.

    ``node_modules`` is a folder holding ``@cloud-carbon-footprint/{aws,azure}``; when
    None, the environment variable ``CARBONLAB_CCF_NODE_MODULES`` is used, and when
    that is unset the pinned versions are installed into a temporary folder.
    """
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node not found: the CCF tables are read with node (>= 18)")
    node_modules = node_modules or os.environ.get("CARBONLAB_CCF_NODE_MODULES")
    env = dict(os.environ, NODE_ENV="test")
    env.pop("ELECTRICITY_MAPS_TOKEN", None)
    with tempfile.TemporaryDirectory(prefix="carbonlab-ccf-") as tmp:
        nm = Path(node_modules) if node_modules else _npm_install(Path(tmp))
        res = subprocess.run([node, "-e", _DUMP_JS, str(nm.resolve())], capture_output=True, text=True,
                             check=True, env=env, cwd=tmp)
    data = json.loads(res.stdout)
    want = {"aws": CCF_NPM_VERSIONS["@cloud-carbon-footprint/aws"],
            "azure": CCF_NPM_VERSIONS["@cloud-carbon-footprint/azure"]}
    for k, v in want.items():
        if data["versions"][k] != v:
            raise SystemExit(f"@cloud-carbon-footprint/{k} is {data['versions'][k]}, the build expects {v}")
    return data


# --------------------------------------------------------------------------------------
# Generated blocks inside data cards
# --------------------------------------------------------------------------------------

def replace_block(path: Path, name: str, text: str) -> bool:
    """Replace the text between ``<!-- begin:NAME -->`` and ``<!-- end:NAME -->`` in ``path``.

    Returns False (and changes nothing) when the file or the markers are absent.
    """
    if not path.is_file():
        return False
    src = path.read_text(encoding="utf-8")
    begin, end = f"<!-- begin:{name} -->", f"<!-- end:{name} -->"
    if begin not in src or end not in src:
        return False
    head, rest = src.split(begin, 1)
    _, tail = rest.split(end, 1)
    new = f"{head}{begin}\n{text.strip()}\n{end}{tail}"
    if new != src:
        path.write_text(new, encoding="utf-8")
    return True
