"""Any S3-compatible store. Uploads go straight to it by presigned PUT; Brandkit never sees them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, cast
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from brandkit.config import Settings
from brandkit.kit.errors import NotFound, ServiceUnavailable
from brandkit.storage.base import upload_key_in
from brandkit.storage.s3_multipart import MultipartWriter
from brandkit.storage.sigv4 import Presigner

if TYPE_CHECKING:
    from types_boto3_s3.client import S3Client

log = logging.getLogger(__name__)

# SigV4 presigned URLs live at most 7 days; media/get hands out fresh ones on every call.
_GET_URL_SECONDS = 7 * 24 * 3600


class S3Storage:
    def __init__(self, settings: Settings) -> None:
        # One client per process: making a client costs ~40x a presign (boto3 loads its models),
        # and clients are thread-safe.
        # Custom endpoints (MinIO, moto, most S3-compatibles) want path-style addressing.
        addressing: Literal["path", "auto"] = "path" if settings.s3_endpoint_url else "auto"
        session = boto3.session.Session(
            aws_access_key_id=settings.s3_access_key_id,
            aws_secret_access_key=settings.s3_secret_access_key,
            region_name=settings.s3_region,
        )
        self.client: S3Client = session.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            # An unreachable store must fail a request within seconds, not after botocore's
            # default 60 s timeouts and five attempts: the caller gets a 503 and retries later.
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": addressing},
                connect_timeout=3,
                read_timeout=30,
                retries={"mode": "standard", "max_attempts": 2},
            ),
        )
        # The same credential chain as the client's (refreshed by botocore when they rotate).
        credentials = session.get_credentials()
        if credentials is None:
            raise RuntimeError("s3 storage needs credentials (BRANDKIT_S3_ACCESS_KEY_ID or AWS_*)")
        self.region = settings.s3_region
        self.bucket = settings.s3_bucket
        self.public_base_url = (settings.s3_public_base_url or "").rstrip("/") or None
        # Where presigned URLs point, read from one the client makes (path or virtual-host style).
        sample = self.client.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": "k"}, ExpiresIn=60
        )
        self._object_base = sample.split("?", 1)[0][: -len("/k")]
        self._presigner = Presigner(credentials, settings.s3_region, self._object_base)

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        with _available():
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                ContentDisposition=_disposition(content_type),
            )

    def read_bytes(self, key: str) -> bytes:
        with _available():
            data: bytes = self._get(key)["Body"].read()
        return data

    def iter_bytes(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        yield from self._get(key)["Body"].iter_chunks(chunk_size)

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def size(self, key: str) -> int | None:
        try:
            with _available():
                head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        return head["ContentLength"]

    def move(self, source: str, target: str, content_type: str) -> None:
        # A server-side copy: the bytes do not come back through Brandkit.
        with _available():
            self.client.copy_object(
                Bucket=self.bucket,
                Key=target,
                CopySource={"Bucket": self.bucket, "Key": source},
                MetadataDirective="REPLACE",
                ContentType=content_type,
                ContentDisposition=_disposition(content_type),
            )
        self.delete(source)

    def delete(self, key: str) -> None:
        with _available():
            self.client.delete_object(Bucket=self.bucket, Key=key)

    @contextmanager
    def open_writer(self, key: str, content_type: str) -> Iterator[IO[bytes]]:
        writer = MultipartWriter(self.client, self.bucket, key, content_type)
        try:
            yield cast(IO[bytes], writer)
            writer.complete()
        except BaseException:
            writer.abort()
            raise

    def sweep_partials(self, prefix: str, idle_seconds: float) -> int:
        # Parts of an aborted multipart upload are discarded by S3; those of a process killed
        # mid-upload are left to the bucket's AbortIncompleteMultipartUpload rule (operations.md).
        return 0

    def public_url(self, key: str) -> str:
        if self.public_base_url:
            return f"{self.public_base_url}/{quote(key)}"
        return self._presigner.get(key, _GET_URL_SECONDS)

    def public_url_prefix(self) -> str | None:
        return f"{self.public_base_url}/" if self.public_base_url else None

    def download_url(self, key: str, expires_in: int, file_name: str) -> str | None:
        """A presigned GET that makes browsers save the object as ``file_name``."""
        disposition = f'attachment; filename="{file_name}"'
        return self._presigner.get(
            key, expires_in, params=[("response-content-disposition", disposition)]
        )

    def presign_put(
        self,
        key: str,
        content_type: str,
        max_bytes: int,
        expires_in: int,
        content_length: int | None = None,
    ) -> str:
        """SigV4 query signing of a PUT with Content-Type (and Content-Length, when given)
        among the signed headers, so S3 refuses another key, another Content-Type, another
        size, a changed signature or a late PUT.

        A presigned PUT cannot carry a size range (only POST policies can), so without a
        signed length the size is checked when the upload is registered.
        """
        return self._presigner.put(key, content_type, expires_in, content_length=content_length)

    def key_from_upload_url(self, url: str) -> str | None:
        return upload_key_in(url, self._object_base)

    def local_path(self, key: str) -> Path | None:
        return None

    def upload_target(self) -> None:
        # The store receives the PUTs itself.
        return None

    def check(self) -> None:
        try:
            with _available():
                self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if _missing(exc) or exc.response.get("Error", {}).get("Code") == "NoSuchBucket":
                raise NotFound(
                    f"The S3 bucket {self.bucket!r} does not exist (brandkit storage init)"
                ) from None
            raise ServiceUnavailable(
                f"The S3 bucket {self.bucket!r} refused access: {exc}"
            ) from exc

    def create(self) -> None:
        try:
            with _available():
                if self.region and self.region != "us-east-1":
                    self.client.create_bucket(
                        Bucket=self.bucket,
                        CreateBucketConfiguration={"LocationConstraint": self.region},  # type: ignore[typeddict-item]
                    )
                else:
                    self.client.create_bucket(Bucket=self.bucket)
        except ServiceUnavailable:
            endpoint = self.client.meta.endpoint_url
            raise ServiceUnavailable(
                f"Could not create the S3 bucket {self.bucket!r}: {endpoint} does not answer"
            ) from None
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                self.check()
                return
            raise ServiceUnavailable(
                f"Could not create the S3 bucket {self.bucket!r}: {code or exc}"
            ) from exc

    def _get(self, key: str) -> Any:
        try:
            with _available():
                return self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _missing(exc):
                raise NotFound("File not found") from None
            raise


@contextmanager
def _available() -> Iterator[None]:
    """The store unreachable, timing out or answering 5xx: a 503 the caller may retry, with the
    detail left in the exception chain for the log."""
    try:
        yield
    except (BotoConnectionError, HTTPClientError) as exc:
        log.warning("s3 unreachable: %s", exc)
        raise ServiceUnavailable(
            "File storage is temporarily unavailable", headers={"Retry-After": "5"}
        ) from exc
    except ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if status >= 500:
            log.warning("s3 answered %s: %s", status, exc)
            raise ServiceUnavailable(
                "File storage is temporarily unavailable", headers={"Retry-After": "5"}
            ) from exc
        raise


def _disposition(content_type: str) -> str:
    """How S3 serves the object. It carries no Content-Security-Policy, so an SVG (cleaned, but a
    document all the same) is a download when opened directly, never a page whose script could
    run; ``<img>`` and CSS still draw it."""
    return "attachment" if content_type == "image/svg+xml" else "inline"


def _missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")
