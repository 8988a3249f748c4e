"""Entry point of the frozen app (PyInstaller): the same `coverage-reader` command."""

import multiprocessing
import sys

from reader.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
