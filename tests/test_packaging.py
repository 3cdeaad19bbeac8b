"""pyproject.toml and environment.yml name the same packages; the wheel lists the shipped data."""

import re
import tomllib

from conftest import REPO


def _norm(spec: str) -> str:
    name = re.split(r"[<>=!\[ ;]", spec.strip(), maxsplit=1)[0]
    return name.lower().replace("_", "-")


def test_environment_mirrors_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pip_names = {_norm(s) for s in project["dependencies"]}
    for extra in ("notebooks", "dask", "test"):
        pip_names |= {_norm(s) for s in project["optional-dependencies"][extra]}
    assert {_norm(s) for s in project["optional-dependencies"]["all"]} == pip_names - {
        _norm(s) for s in project["dependencies"]}
    conda = set()
    text = (REPO / "environment.yml").read_text()
    for line in text[text.index("dependencies:"):].splitlines():
        m = re.match(r"^  - ([A-Za-z0-9_.\-]+)", line)
        if m and m.group(1) not in ("python", "pip"):
            conda.add(_norm(m.group(1)))
    assert conda == pip_names


def test_runtime_dependencies_named_by_the_issue():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = {_norm(s) for s in project["dependencies"]}
    assert {"numpy", "pandas", "xarray", "scipy", "matplotlib", "pyarrow", "tqdm"} <= names
    assert project["requires-python"] == ">=3.11"


def test_datasets_are_packaged():
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert cfg["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]["datasets"] == "carbonlab/_datasets"
