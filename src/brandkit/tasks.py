"""Every job the workers run, gathered from the domains that own them.

Domains register their handlers and periodic tasks at import, in their own ``jobs.py``; this
module imports them all, and only the entry points import it (the embedded worker started with
the app, and ``brandkit worker``), so no domain module imports another's jobs and ``jobs/``
knows no domain. A new domain with jobs adds one line here.
"""

from __future__ import annotations

# Every table first: the user purge finds the tables that hold files in the metadata.
import brandkit.accounts.jobs
import brandkit.brands.jobs
import brandkit.exports.jobs
import brandkit.generation.edit_jobs
import brandkit.generation.jobs
import brandkit.jobs.cleanup
import brandkit.models
import brandkit.uploads.jobs
import brandkit.webhooks.jobs  # noqa: F401
