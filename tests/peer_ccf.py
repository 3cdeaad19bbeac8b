"""Run Cloud Carbon Footprint's own npm packages through the shared peer harness.

The harness (``../shared/peers/ccf/harness.js``) is read-only where it lives,
so it is copied with its lock file to ``.cache/ccf-peer/peers/ccf`` beside a
link to ``reference-data``, and ``npm ci`` installs CCF's published packages
there once (keyed by the lock file's hash).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd

from conftest import REPO, SHARED

CACHE = REPO / ".cache" / "ccf-peer"


def available() -> str | None:
    """None if the peer can run here, else the reason it cannot."""
    if not (SHARED / "peers" / "ccf" / "harness.js").is_file():
        return f"CCF peer harness not found under {SHARED}/peers/ccf"
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


def harness_dir() -> Path:
    """Install the harness and CCF's packages into the cache (once) and return its folder."""
    src = SHARED / "peers" / "ccf"
    lock = (src / "package-lock.json").read_bytes()
    key = hashlib.sha256(lock + (src / "harness.js").read_bytes()).hexdigest()[:16]
    dest = CACHE / "peers" / "ccf"
    stamp = dest / ".installed"
    if stamp.is_file() and stamp.read_text() == key:
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("harness.js", "package.json", "package-lock.json"):
        target = dest / name
        if target.exists():
            target.chmod(0o644)
        shutil.copyfile(src / name, target)
    link = CACHE / "reference-data"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to((SHARED / "reference-data").resolve(), target_is_directory=True)
    for attempt in (1, 2):  # one retry: the registry occasionally drops a connection
        proc = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=dest,
                              capture_output=True, text=True, timeout=900)
        if proc.returncode == 0:
            break
    else:
        raise RuntimeError(f"npm ci of the CCF peer failed: {proc.stderr[-2000:]}")
    stamp.write_text(key)
    return dest


def run(mode: str, rows: list[dict], *extra: str) -> pd.DataFrame:
    """Run ``node harness.js MODE`` on rows (JSON) and return its CSV output as a DataFrame."""
    here = harness_dir()
    path = CACHE / f"input_{mode}.json"
    path.write_text(json.dumps(rows))
    env = {k: v for k, v in os.environ.items() if k not in ("ELECTRICITY_MAPS_TOKEN", "LOGGING_MODE")}
    env["TMPDIR"] = str(CACHE / "tmp")
    (CACHE / "tmp").mkdir(exist_ok=True)
    proc = subprocess.run(["node", "harness.js", mode, str(path), *extra], cwd=here, env=env,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"CCF harness failed: {proc.stderr[-2000:]}")
    return pd.read_csv(io.StringIO(proc.stdout), dtype={"id": str})
