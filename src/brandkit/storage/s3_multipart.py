"""An S3 multipart upload seen as a write-only file: memory stays at one part, and the object
becomes visible only when completed (S3 discards an aborted one)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types_boto3_s3.client import S3Client

# S3 parts must be at least 5 MiB (except the last); 8 MiB keeps 10,000 parts above 78 GB.
PART_BYTES = 8 << 20


class MultipartWriter(io.RawIOBase):
    """A write-only, unseekable file whose bytes become one S3 object on ``complete``."""

    def __init__(self, client: S3Client, bucket: str, key: str, content_type: str) -> None:
        super().__init__()
        self.client = client
        self.bucket = bucket
        self.key = key
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._upload_id = client.create_multipart_upload(
            Bucket=bucket, Key=key, ContentType=content_type
        )["UploadId"]

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self._buffer += view
        while len(self._buffer) >= PART_BYTES:
            self._send(bytes(self._buffer[:PART_BYTES]))
            del self._buffer[:PART_BYTES]
        return view.nbytes

    def _send(self, part: bytes) -> None:
        number = len(self._parts) + 1
        reply = self.client.upload_part(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=part,
        )
        self._parts.append({"PartNumber": number, "ETag": reply["ETag"]})

    def complete(self) -> None:
        if self._buffer or not self._parts:
            self._send(bytes(self._buffer))
            self._buffer.clear()
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},  # type: ignore[typeddict-item]
        )

    def abort(self) -> None:
        self.client.abort_multipart_upload(
            Bucket=self.bucket, Key=self.key, UploadId=self._upload_id
        )
