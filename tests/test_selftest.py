"""``coverage-reader --self-test``, as the installer builds run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_self_test_passes_quietly_and_leaves_the_user_library_alone(tmp_path: Path) -> None:
    env = dict(os.environ)
    user_library = tmp_path / "user-library"
    env["COVERAGE_READER_LIBRARY"] = str(user_library)
    env.pop("QT_QPA_PLATFORM", None)  # the self-test chooses offscreen itself
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("coverage-reader")), "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    assert "self-test ok" in proc.stdout
    assert "start the indexing helper" in proc.stdout
    assert proc.stderr == ""
    assert not user_library.exists()


def _self_test_with(patch: str) -> subprocess.CompletedProcess[str]:
    """Run the self-test in a fresh interpreter after ``patch`` (Python lines)."""
    script = f"import sys\n{patch}\nfrom reader.selftest import run_self_test\n"
    script += "sys.exit(run_self_test())\n"
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180
    )


def test_self_test_reports_what_failed() -> None:
    # A copy whose seeds are missing must fail, naming the step.
    proc = _self_test_with("import reader.core.library as library\nlibrary.seed_files = list")
    assert proc.returncode == 1
    assert "self-test FAILED: import the bundled articles" in proc.stderr


def test_self_test_fails_when_the_indexing_helper_cannot_run() -> None:
    # A helper that cannot be given its work (here: a function it cannot import).
    proc = _self_test_with("import reader.core.search.helper as helper\nhelper._ping = lambda: 0")
    assert proc.returncode == 1
    assert "self-test FAILED: start the indexing helper" in proc.stderr
