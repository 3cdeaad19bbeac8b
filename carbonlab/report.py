"""An HTML report of a Footprint: a parameterised notebook executed with papermill, rendered by nbconvert.

The template, ``carbonlab/templates/report.ipynb``, reads a ``footprint.nc`` and shows the summary
table, the figures of :mod:`carbonlab.plot`, a one-at-a-time sensitivity of the late knobs, the
methodology's parameters, its assumptions and references, and what could not be placed.  The
notebook runs in a Jupyter kernel (``python3`` by default: the ``ipykernel`` package, part of the
``notebooks`` extra, provides it, running the same interpreter).

Everything in a footprint may come from an untrusted billing file: service, region and account
names, units, reasons, file names, and the attrs that quote them (``assumed``, ``source_files``,
``parameters``).  The template therefore writes no Markdown from data and puts text on the page only
through :func:`escape` and :func:`html_table`, so that a name such as ``<script>`` is shown, never run.

References
----------
.. [papermill] nteract, papermill documentation, "Parameterize" and "Execute",
   https://papermill.readthedocs.io/en/latest/, accessed 2026-11-22.
.. [nbconvert] Jupyter, nbconvert documentation, "HTMLExporter" (``exclude_input``),
   https://nbconvert.readthedocs.io/en/latest/, accessed 2026-11-22.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import pandas as pd

__all__ = ["render_report", "escape", "html_table", "TEMPLATE"]

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


def escape(value: object) -> str:
    """``str(value)`` made safe as HTML text or as a quoted attribute value.

    ``&``, ``<``, ``>``, ``"`` and ``'`` become character references (:func:`html.escape` with
    ``quote=True``), so the browser shows the text and never parses it as markup.

    Parameters
    ----------
    value : object
        Any value; it is converted with ``str``.

    Returns
    -------
    str
        The escaped text.

    Examples
    --------
    >>> escape('"><svg onload=alert(1)>')
    '&quot;&gt;&lt;svg onload=alert(1)&gt;'
    """
    return html.escape(str(value), quote=True)


def _cell(value: object, spec: str | None, na_rep: str) -> str:
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return na_rep
    return spec.format(value) if spec else str(value)


def html_table(table: pd.DataFrame, formats: Mapping[str, str] | None = None, *, na_rep: str = "") -> str:
    """A DataFrame as an HTML table without its index, every header and cell escaped.

    Parameters
    ----------
    table : pandas.DataFrame
        The rows to show; its index is not shown.
    formats : mapping of str to str, optional
        Format string (``"{:.4g}"``) of a column, applied before escaping; other cells are ``str(value)``.
    na_rep : str, default ""
        Text of a missing value.

    Returns
    -------
    str
        A ``<table>`` element.

    Examples
    --------
    >>> html_table(pd.DataFrame({"<i>": ["<b>"]}))
    '<table><thead><tr><th>&lt;i&gt;</th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>'
    >>> html_table(pd.DataFrame({"t": [0.123, None]}), {"t": "{:.1g}"})
    '<table><thead><tr><th>t</th></tr></thead><tbody><tr><td>0.1</td></tr><tr><td></td></tr></tbody></table>'
    """
    formats = dict(formats or {})
    columns = [str(c) for c in table.columns]
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(v, formats.get(c), na_rep))}</td>"
                                    for c, v in zip(columns, row)) + "</tr>"
                   for row in table.itertuples(index=False, name=None))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
