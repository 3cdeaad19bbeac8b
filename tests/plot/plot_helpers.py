"""What the figure tests share: a headless backend, closing figures, and the check that axes carry units."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

UNIT = re.compile(r"\[[^\]]+\]")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def check_labels(fig):
    """Every axis that shows numbers has a unit in brackets; the figure has a caption naming its sources."""
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            assert UNIT.search(ax.get_ylabel() or ax.get_xlabel()), "colorbar without unit"
            continue
        for label, ticks in ((ax.get_xlabel(), ax.get_xticklabels()), (ax.get_ylabel(), ax.get_yticklabels())):
            numeric = all(re.fullmatch(r"[\-−]?[\d.,]+(e[\-−+]?\d+)?", t.get_text() or "0") for t in ticks)
            if numeric and ticks:
                assert UNIT.search(label), f"axis {label!r} without unit"
    assert fig.texts and len(fig.texts[-1].get_text()) > 30, "no caption"
