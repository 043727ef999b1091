from __future__ import annotations

from brandkit.config import Settings
from brandkit.storage.base import Storage
from brandkit.storage.local import LocalStorage


def make_storage(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        # Imported here so the embedded default never pays for loading boto3.
        from brandkit.storage.s3 import S3Storage

        return S3Storage(settings)
    return LocalStorage(settings.data_dir / "files", settings.public_base_url, settings.signing_key)
