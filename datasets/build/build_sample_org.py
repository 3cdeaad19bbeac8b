"""Build datasets/sample_org/: the fictional company's FOCUS export (seed 0).

Usage: python datasets/build/build_sample_org.py   (then python datasets/build/make_registry.py)
"""

from pathlib import Path

from carbonlab.datasets.sample import sample_usage_records, to_focus

OUT = Path(__file__).resolve().parent.parent / "sample_org"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    focus = to_focus(sample_usage_records(seed=0))
    # fixed writer options so that the same records give the same bytes
    focus.to_parquet(OUT / "fjordline_focus.parquet", index=False, compression="zstd",
                     compression_level=9, engine="pyarrow", row_group_size=50_000)
    print(f"{len(focus):,} rows -> {OUT / 'fjordline_focus.parquet'} "
          f"({(OUT / 'fjordline_focus.parquet').stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
