"""Every table, imported in one place so that metadata and migrations see the whole schema."""

from brandkit.accounts.models import Account, ApiKey, Brand, User, Workspace, WorkspaceMember
from brandkit.db import Base
from brandkit.designs.models import ContentSnippet, Design, Variant
from brandkit.fonts.models import Font
from brandkit.jobs.models import Job
from brandkit.media.models import Media

__all__ = [
    "Account",
    "ApiKey",
    "Base",
    "Brand",
    "ContentSnippet",
    "Design",
    "Font",
    "Job",
    "Media",
    "User",
    "Variant",
    "Workspace",
    "WorkspaceMember",
]
