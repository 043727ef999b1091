"""The export vocabulary of SPEC 5.2, as types every layer keeps (request, row, spec, file)."""

from typing import Literal

ExportType = Literal["contacts", "activities"]
Delimiter = Literal[",", ";"]
DateFormat = Literal["ISO", "L", "LL", "LLL"]
Version = Literal["v1", "v2"]
ExportStatus = Literal["inProgress", "finished", "error"]
