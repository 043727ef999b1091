"""Prometheus metrics of this process: requests, jobs, exports (served at ``/metrics``).

One registry per process. With several uvicorn workers each answers for itself; scrape each
process (or run one worker per container), as with any prometheus_client exporter.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "brandkit_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "brandkit_request_seconds",
    "Time to answer an HTTP request, by route template.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
JOB_SECONDS = Histogram(
    "brandkit_job_seconds",
    "Time a job attempt ran, by kind and outcome.",
    ["kind", "outcome"],
    buckets=(0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800),
    registry=REGISTRY,
)
JOBS_QUEUED = Gauge(
    "brandkit_jobs_queued",
    "Jobs waiting to run, by kind (read at scrape).",
    ["kind"],
    registry=REGISTRY,
)
JOB_OLDEST_SECONDS = Gauge(
    "brandkit_job_oldest_queued_seconds",
    "Age of the oldest job waiting to run, by kind (read at scrape).",
    ["kind"],
    registry=REGISTRY,
)
EXPORT_ROWS = Counter(
    "brandkit_export_rows", "Rows written into export files.", ["export_type"], registry=REGISTRY
)
