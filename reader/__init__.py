"""Coverage Reader: read, search and annotate news coverage offline."""

__version__ = "0.1.0"
