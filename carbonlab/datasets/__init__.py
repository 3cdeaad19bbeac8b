"""Shipped reference datasets: listing, hash-checked loading, data cards.

Every file under ``datasets/`` is pinned by its sha256 in
``datasets/registry.txt``; loading a file whose hash differs raises.  In an
installed wheel the folder is packaged as ``carbonlab/_datasets``; in a source
checkout it is the repository's ``datasets/`` folder.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources
from pathlib import Path

import pandas as pd
import xarray as xr

__all__ = ["list_datasets", "data_card", "dataset_path", "load_table", "open_dataset", "load_dataset"]


def _root() -> Path:
    packaged = Path(str(resources.files("carbonlab"))) / "_datasets"
    if (packaged / "registry.txt").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "datasets"
    if (checkout / "registry.txt").is_file():
        return checkout
    raise FileNotFoundError("carbonlab's datasets/registry.txt was not found (broken installation?)")


@functools.cache
def _registry() -> dict[str, str]:
    out = {}
    for line in (_root() / "registry.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            path, digest = line.split()
            out[path] = digest.removeprefix("sha256:")
    return out


def list_datasets() -> list[str]:
    """Names of the shipped datasets (folders of ``datasets/``), from the registry."""
    return sorted({p.split("/")[0] for p in _registry()})


def data_card(name: str) -> str:
    """Return the text of a dataset's ``DATACARD.md``."""
    return dataset_path(name, "DATACARD.md").read_text()


@functools.cache
def _verified(path: str) -> Path:
    reg = _registry()
    if path not in reg:
        raise KeyError(f"{path!r} is not a registered carbonlab dataset file; see list_datasets()")
    full = _root() / path
    digest = hashlib.sha256(full.read_bytes()).hexdigest()
    if digest != reg[path]:
        raise OSError(f"{full}: sha256 {digest} does not match the registry ({reg[path]}); "
                      "the file was changed after it was built")
    return full


def dataset_path(name: str, file: str) -> Path:
    """Path of a registered file of dataset ``name``, after checking its sha256."""
    if name not in list_datasets():
        raise KeyError(f"no dataset {name!r}; shipped datasets: {list_datasets()}")
    return _verified(f"{name}/{file}")


@functools.cache
def _read_csv(name: str, file: str) -> pd.DataFrame:
    return pd.read_csv(dataset_path(name, file), keep_default_na=True)


def load_table(name: str, table: str | None = None) -> pd.DataFrame:
    """Load a CSV table of a shipped dataset.

    Parameters
    ----------
    name : str
        Dataset name, e.g. ``"regions"``, ``"instances"``, ``"coefficients"``.
    table : str, optional
        File stem inside the dataset (``"cpu_power"``); defaults to the
        dataset's name.

    Returns
    -------
    pandas.DataFrame
        A fresh copy; the file's hash was checked against the registry.
    """
    return _read_csv(name, f"{table or name}.csv").copy()


def open_dataset(name: str, file: str | None = None, **kwargs) -> xr.Dataset:
    """Open a netCDF file of a shipped dataset lazily (``xarray.open_dataset``)."""
    return xr.open_dataset(dataset_path(name, file or f"{name}.nc"), **kwargs)


def load_dataset(name: str, file: str | None = None, **kwargs) -> xr.Dataset:
    """Load a netCDF file of a shipped dataset into memory and close the file."""
    with open_dataset(name, file, **kwargs) as ds:
        return ds.load()
