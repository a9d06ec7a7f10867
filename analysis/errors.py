"""Domain exceptions of the engine.

Every error a user can cause (bad region name, bad file, bad parameter) is one of these.
Messages say what is wrong and how to fix it; pages catch only these and show them translated.
Each subclasses :class:`ValueError` so that callers outside the app can treat them as such.
"""

from __future__ import annotations


class ServicekartanError(ValueError):
    """Base class of every user-facing error.

    Parameters
    ----------
    message
        English message for logs and the command line.
    message_sv
        Swedish message for the UI; falls back to ``message``.
    """

    def __init__(self, message: str, message_sv: str | None = None) -> None:
        super().__init__(message)
        self.message_sv = message_sv or message


class UnknownRegionError(ServicekartanError):
    """A region id that no region package has."""


class DataModelError(ServicekartanError):
    """A layer that does not follow the data model (missing column, wrong CRS, bad geometry)."""


class NetworkError(ServicekartanError):
    """A road network that cannot be routed on (empty, no drivable road, ...)."""


class StoreError(ServicekartanError):
    """The DuckDB store refused a write (validation, lock that never cleared, ...)."""


class ValidationError(ServicekartanError):
    """User input (a form, an uploaded file) that fails validation."""
