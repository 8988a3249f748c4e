"""The benchmark (``python -m bench`` or ``make bench``): see bench/run.py."""
