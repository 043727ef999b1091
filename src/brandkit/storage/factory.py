from __future__ import annotations

from brandkit.config import Settings
from brandkit.storage.base import Storage
from brandkit.storage.local import LocalStorage


def make_storage(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        raise NotImplementedError("the s3 backend arrives with the uploads issue")
    return LocalStorage(settings.data_dir / "files", settings.public_base_url)
