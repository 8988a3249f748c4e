"""Running the command line inside the test process."""

from __future__ import annotations

import json

import pytest

from reader.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``coverage-reader ARGS``: exit code, stdout, stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def lines(out: str) -> list[dict[str, object]]:
    """One JSON object per output line."""
    return [json.loads(line) for line in out.splitlines() if line.strip()]
