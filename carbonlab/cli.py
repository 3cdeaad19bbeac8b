"""``carbonlab`` command line: the main job on the shipped sample or on your export.

    carbonlab demo --out DIR                    (also writes DIR/report.html)
    carbonlab estimate FILE --methodology NAME --out DIR
    carbonlab report FOOTPRINT.nc --out report.html
    carbonlab methodologies
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SAMPLE = ("sample_org", "fjordline_focus.parquet")


def _methodology(args):
    """The methodology a command asks for: a preset by name, or a TOML file given explicitly."""
    from carbonlab.methodology import from_toml, methodology

    path = getattr(args, "methodology_file", None)
    if path is not None:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        return from_toml(path.read_text(), name=path.name)
    return methodology(args.methodology)


def _run(path: Path, methodology, out: Path, *, label: str, lenient: bool = False) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    from tqdm.auto import tqdm

    from carbonlab import plot
    from carbonlab.tables import summary, to_tidy, unattributed_table
    from carbonlab.footprint import FootprintChain
    from carbonlab.cube import usage_cube
    from carbonlab.io import describe_format

    steps = tqdm(total=6, desc="carbonlab", unit="step", disable=None)
    steps.set_postfix_str("reading")
    print(f"carbonlab: reading {path.name} as {describe_format(path)}", file=sys.stderr)
    steps.update()
    steps.set_postfix_str("usage cube")
    chain = FootprintChain.from_methodology(methodology)
    _warn_duplicates(path)
    # any supported export; read in batches straight into the cube (files larger than memory too)
    cube = usage_cube(path, progress=True, lenient=lenient, **chain.methodology.cube_options)
    steps.update()
    steps.set_postfix_str("footprint")
    fp = chain.run(cube)
    steps.update()
    out.mkdir(parents=True, exist_ok=True)
    steps.set_postfix_str("netCDF")
    encoding = {v: {"zlib": True, "complevel": 4} for v in fp.data_vars if fp[v].dtype.kind == "f"}
    fp.attrs["history"] = f"carbonlab {label} {path.name} --methodology {chain.methodology.id}"
    fp.to_netcdf(out / "footprint.nc", encoding=encoding)
    steps.update()
    steps.set_postfix_str("tables")
    to_tidy(fp).to_csv(out / "footprint_monthly.csv", index=False)
    unattributed = unattributed_table(fp)
    unattributed.to_csv(out / "unattributed.csv", index=False)
    steps.update()
    s = summary(fp)
    (out / "summary.json").write_text(json.dumps(s, indent=2))
    if fp.sizes.get("time", 0) == 0:   # nothing placed: say so in one line, no figures of nothing
        steps.close()
        print(_nothing_placed(path, unattributed, out), file=sys.stderr)
        return s
    steps.set_postfix_str("figures")
    import matplotlib.pyplot as plt

    for fig, name in ((plot.region_hour_heatmap(fp), "emissions_region_hour.png"),
                      (plot.stacked_by_service(fp), "emissions_by_service.png")):
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
    steps.update()
    steps.close()
    _print_summary(s, fp, out)
    return s


def _warn_duplicates(path: Path) -> None:
    """Say how many lines of an AWS CUR repeat an earlier line item (they are counted as billed)."""
    from carbonlab.io import aws_cur, detect_format

    if detect_format(path) != "aws_cur":
        return
    dup = aws_cur.duplicate_line_items(path)
    if len(dup):
        print(f"carbonlab: warning: {path.name}: {len(dup):,} line(s) repeat an earlier line item (first: row "
              f"{dup['row'].iloc[0]} repeats row {dup['first_row'].iloc[0]}; identity LineItemId + TimeInterval): "
              "they are counted twice", file=sys.stderr)


def _nothing_placed(path: Path, unattributed, out: Path) -> str:
    """One line saying that no record of a file could be placed, and the main reasons."""
    records = int(unattributed["records"].sum())
    if not records:
        return f"carbonlab: {path.name}: no billing records; an empty footprint was written to {out}/"
    reasons = (unattributed.groupby("reason")["records"].sum().sort_values(ascending=False, kind="stable"))
    top = "; ".join(f"{r} ({n:,})" for r, n in reasons.head(3).items())
    return (f"carbonlab: {path.name}: none of its {records:,} records could be placed ({top}); "
            f"an empty footprint and unattributed.csv were written to {out}/")


def _print_summary(s: dict, fp, out: Path) -> None:
    print(f"\ncarbonlab footprint — methodology {s['methodology']!r}")
    print(f"  IT energy            {s['energy_it_kwh']:>14,.1f} kWh")
    print(f"  facility energy      {s['energy_kwh']:>14,.1f} kWh")
    for basis, t in s["co2e_t"].items():
        print(f"  CO2e {basis:<16}{t:>14,.3f} t")
    print(f"  CO2e embodied        {s['co2e_embodied_t']:>14,.3f} t")
    print(f"  water                {s['water_l']:>14,.0f} L")
    print(f"  unattributed         {s['unattributed_records']:>14,d} records, {s['unattributed_cost']:,.2f} "
          f"{s.get('currency') or 'cost'}")
    print(f"  top regions ({s['basis_of_ranking']}): " + ", ".join(f"{r} {t:.2f} t" for r, t in s["top_regions"]))
    print("  top services: " + ", ".join(f"{r} {t:.2f} t" for r, t in s["top_services"]))
    print(f"  assumptions: {len(json.loads(fp.attrs['assumed']))} (see attrs['assumed'] in footprint.nc)")
    print(f"  written to {out}/: footprint.nc, footprint_monthly.csv, unattributed.csv, "
          "emissions_region_hour.png, emissions_by_service.png, summary.json")


def _report(footprint: Path, out: Path, kernel: str) -> None:
    from carbonlab.report import render_report

    print(f"  report: {render_report(footprint, out, kernel_name=kernel)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="carbonlab", description="How a cloud bill becomes a carbon number.")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks (for bug reports)")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the main job on the shipped sample organisation")
    demo.add_argument("--out", type=Path, default=Path("carbonlab-demo"))
    demo.add_argument("--methodology", default="carbonlab", help="a preset (carbonlab methodologies)")
    demo.add_argument("--no-report", action="store_true", help="skip report.html (needs a Jupyter kernel)")
    est = sub.add_parser("estimate", help="estimate the footprint of a billing export (FOCUS, AWS CUR legacy or "
                                         "2.0, GCP billing export, Azure cost details, OCI cost report; detected)")
    est.add_argument("file", type=Path)
    est.add_argument("--methodology", default="carbonlab", help="a preset (carbonlab methodologies)")
    est.add_argument("--methodology-file", type=Path, help="a methodology TOML file of your own (instead of a preset)")
    est.add_argument("--out", type=Path, required=True)
    est.add_argument("--lenient", action="store_true",
                     help="leave unparseable values and usage outside the bill's span unattributed instead of "
                          "stopping")
    rep = sub.add_parser("report", help="render the HTML report of a footprint.nc (papermill + nbconvert)")
    rep.add_argument("file", type=Path)
    rep.add_argument("--out", type=Path, default=Path("report.html"))
    rep.add_argument("--kernel", default="python3", help="Jupyter kernel that executes the report notebook")
    sub.add_parser("methodologies", help="list the preset methodologies")
    args = parser.parse_args(argv)
    try:
        return _command(args)
    except (ValueError, KeyError, FileNotFoundError, OSError, RuntimeError, MemoryError) as exc:
        if args.debug:
            raise
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"carbonlab: error: {str(msg).splitlines()[0] if str(msg) else type(exc).__name__}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 -- never a traceback for the user; --debug shows it
        if args.debug:
            raise
        print(f"carbonlab: internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
              "(run again with --debug and report it)", file=sys.stderr)
        return 3


def _command(args) -> int:
    if args.command == "methodologies":
        from carbonlab.methodology import list_methodologies, methodology

        for name in list_methodologies():
            print(f"{name:<16} {methodology(name).description}")
        return 0
    if args.command == "demo":
        from carbonlab.datasets import dataset_path

        _run(dataset_path(*SAMPLE), _methodology(args), args.out, label="demo")
        if not args.no_report:
            _report(args.out / "footprint.nc", args.out / "report.html", "python3")
    elif args.command == "report":
        if not args.file.is_file():
            raise FileNotFoundError(f"{args.file}: no such file")
        _report(args.file, args.out, args.kernel)
    else:
        if not args.file.is_file():
            raise FileNotFoundError(f"{args.file}: no such file")
        m = _methodology(args)       # a wrong name is reported before any work
        _run(args.file, m, args.out, label="estimate", lenient=args.lenient)
    return 0


if __name__ == "__main__":
    sys.exit(main())
