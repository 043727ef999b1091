"""Every table, imported in one place so that metadata and migrations see the whole schema."""

from brandkit.accounts.models import Account, ApiKey, Brand, User, Workspace, WorkspaceMember
from brandkit.contacts.models import Activity, Contact, Segment, SegmentMember
from brandkit.credits.models import CreditCycle, CreditEntry
from brandkit.db import Base
from brandkit.designs.models import ContentSnippet, Design, DesignFile, Variant, VariantDownload
from brandkit.exports.models import Export
from brandkit.fonts.models import Font
from brandkit.jobs.models import Job
from brandkit.media.models import Media
from brandkit.requests.models import Request
from brandkit.uploads.models import Upload
from brandkit.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookEvent

__all__ = [
    "Account",
    "Activity",
    "ApiKey",
    "Base",
    "Brand",
    "Contact",
    "ContentSnippet",
    "CreditCycle",
    "CreditEntry",
    "Design",
    "DesignFile",
    "Export",
    "Font",
    "Job",
    "Media",
    "Request",
    "Segment",
    "SegmentMember",
    "Upload",
    "User",
    "Variant",
    "VariantDownload",
    "WebhookAttempt",
    "WebhookEndpoint",
    "WebhookEvent",
    "Workspace",
    "WorkspaceMember",
]
