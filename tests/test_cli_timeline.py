"""``coverage-reader timeline``: periods, steps, --by source|tag, --query, --json."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers.cli import lines, run

CHINA_DAILY = "China Daily/Asia News Network"


@pytest.fixture
def lib(tmp_path: Path) -> str:
    return str(tmp_path / "lib")


def test_the_seeds_are_in_september_2018_and_january_2019(
    capsys: pytest.CaptureFixture[str], lib: str
) -> None:
    code, out, _ = run(capsys, "--library", lib, "timeline", "--step", "month", "--json")
    assert code == 0
    assert lines(out) == [
        {"period": "2018-09", "count": 1},
        {"period": "2018-10", "count": 0},
        {"period": "2018-11", "count": 0},
        {"period": "2018-12", "count": 0},
        {"period": "2019-01", "count": 1},
    ]
    # Chosen by the span (four months): ISO weeks.
    code, out, _ = run(capsys, "--library", lib, "timeline", "--json")
    rows = lines(out)
    assert [r for r in rows if r["count"]] == [
        {"period": "2018-W37", "count": 1},
        {"period": "2019-W01", "count": 1},
    ]
    assert len(rows) == 17
    code, out, _ = run(capsys, "--library", lib, "timeline", "--step", "day", "--json")
    days = lines(out)
    assert days[0] == {"period": "2018-09-14", "count": 1}
    assert days[-1] == {"period": "2019-01-02", "count": 1}


def test_split_by_source_and_by_tag(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path
) -> None:
    code, out, _ = run(
        capsys, "--library", lib, "timeline", "--step", "month", "--by", "source", "--json"
    )
    assert code == 0
    assert lines(out) == [
        {"period": "2018-09", "source": None, "count": 1},
        {"period": "2019-01", "source": CHINA_DAILY, "count": 1},
    ]
    run(capsys, "--library", lib, "list")  # (opens the library once)
    from reader.core.library import Library

    with Library.open(Path(lib)) as library:
        first = min(s.id for s in library.list_articles())  # the 2019-01-02 seed
        library.set_tags(first, ["energy", "trade"])
    code, out, _ = run(
        capsys, "--library", lib, "timeline", "--step", "month", "--by", "tag", "--json"
    )
    assert lines(out) == [
        {"period": "2018-09", "tag": None, "count": 1},
        {"period": "2019-01", "tag": "energy", "count": 1},
        {"period": "2019-01", "tag": "trade", "count": 1},
    ]


def test_a_query_narrows_the_timeline(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(
        capsys,
        "--library", lib, "timeline", "--step", "month", "--query", "Eastern Economic Forum",
        "--json",
    )  # fmt: skip
    assert code == 0
    assert lines(out) == [{"period": "2018-09", "count": 1}]
    code, out, err = run(capsys, "--library", lib, "timeline", "--query", "zzzunknownword")
    assert code == 0 and out == "Nothing to show: the search finds no dated articles.\n"
    # Unbalanced quotes and brackets are read as the search reads them.
    code, out, _ = run(capsys, "--library", lib, "timeline", "--query", '"unbalanced')
    assert code == 0 and out.startswith("Nothing to show")
    code, out, err = run(capsys, "--library", lib, "timeline", "--query", "putin AND (gas")
    assert code == 0 and out.split()[:2] == ["2018-09-14", "1"] and err == "1 article by day\n"


def test_the_table_draws_bars(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, err = run(capsys, "--library", lib, "timeline", "--step", "month")
    assert code == 0
    rows = out.splitlines()
    assert rows[0].split()[:2] == ["2018-09", "1"] and rows[0].endswith("█" * 40)
    assert rows[1].split() == ["2018-10", "0"]
    assert err.strip() == "2 articles by month"
    code, out, _ = run(capsys, "--library", lib, "timeline", "--step", "month", "--by", "source")
    assert out.splitlines()[-1].endswith(f"{CHINA_DAILY} 1")
    assert out.splitlines()[0].endswith("(none) 1")


def test_bad_choices_are_usage_errors(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    for args in (["--by", "author"], ["--step", "year"]):
        with pytest.raises(SystemExit) as stop:
            run(capsys, "--library", lib, "timeline", *args)
        assert stop.value.code == 2
