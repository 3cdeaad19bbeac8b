"""An HTML report of a Footprint: a parameterised notebook executed with papermill, rendered by nbconvert.

The template, ``carbonlab/templates/report.ipynb``, reads a ``footprint.nc`` and shows the summary
table, the figures of :mod:`carbonlab.plot`, a one-at-a-time sensitivity of the late knobs, the
methodology's parameters, its assumptions and references, and what could not be placed.  The
notebook runs in a Jupyter kernel (``python3`` by default: the ``ipykernel`` package, part of the
``notebooks`` extra, provides it, running the same interpreter).

References
----------
.. [papermill] nteract, papermill documentation, "Parameterize" and "Execute",
   https://papermill.readthedocs.io/en/latest/, accessed 2026-11-22.
.. [nbconvert] Jupyter, nbconvert documentation, "HTMLExporter" (``exclude_input``),
   https://nbconvert.readthedocs.io/en/latest/, accessed 2026-11-22.
"""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

__all__ = ["render_report", "TEMPLATE"]

#: The report notebook inside the package.
TEMPLATE = "templates/report.ipynb"


def render_report(footprint: str | Path, out: str | Path, *, kernel_name: str = "python3",
                  keep_notebook: bool = False, timeout: int = 600) -> Path:
    """Execute the report notebook on a footprint file and write it as HTML.

    Parameters
    ----------
    footprint : str or Path
        A ``footprint.nc`` written by carbonlab (``carbonlab demo``, ``carbonlab estimate`` or
        ``fp.to_netcdf``).
    out : str or Path
        The HTML file to write.
    kernel_name : str, default "python3"
        Jupyter kernel that executes the notebook.
    keep_notebook : bool, default False
        Also write the executed notebook next to the HTML (``report.ipynb``).
    timeout : int, default 600
        Seconds allowed per cell.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    FileNotFoundError
        If ``footprint`` does not exist.
    RuntimeError
        If a cell of the report fails (the message names the cell's error).
    """
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    footprint, out = Path(footprint).resolve(), Path(out)
    if not footprint.is_file():
        raise FileNotFoundError(f"{footprint}: no such file")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="carbonlab-report-") as tmp, \
            resources.as_file(resources.files("carbonlab") / TEMPLATE) as template:
        executed = Path(tmp) / "report.ipynb"
        try:
            papermill.execute_notebook(str(template), str(executed), parameters={"footprint_path": str(footprint)},
                                       kernel_name=kernel_name, cwd=tmp, progress_bar=False,
                                       execution_timeout=timeout, report_mode=True)
        except papermill.PapermillExecutionError as exc:
            raise RuntimeError(f"the report notebook failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}") \
                from None
        nb = nbformat.read(executed, as_version=4)
        body, _ = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                               exclude_output_prompt=True).from_notebook_node(nb)
        out.write_text(body, encoding="utf-8")
        if keep_notebook:
            nbformat.write(nb, out.with_suffix(".ipynb"))
    return out
