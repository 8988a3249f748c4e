"""The desktop window (Qt only, PySide6). Everything it knows of the library comes
through :class:`reader.core.library.Library`."""
