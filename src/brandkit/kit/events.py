"""In-process notices between layers that must not import each other: the file-serving route
(storage) tells whoever listens (designs counts variant downloads) that a file was served."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FileServed = Callable[[Any, str], None]
_file_served: list[FileServed] = []


def on_file_served(listener: FileServed) -> FileServed:
    _file_served.append(listener)
    return listener


def file_served(app_state: Any, key: str) -> None:
    for listener in _file_served:
        listener(app_state, key)
