"""Errors of the Massive client; messages are for the user and never contain the key."""

from __future__ import annotations

from data.providers.errors import ProviderError


class MassiveError(ProviderError):
    """Any failure talking to Massive."""


class MassiveAuthError(MassiveError):
    """401: the key is missing, wrong or the account is not active."""


class MassiveNotEntitledError(MassiveError):
    """403: the plan does not include this data (or this date range)."""


class MassiveNotFoundError(MassiveError):
    """404: unknown ticker or resource."""


class MassiveRateLimitError(MassiveError):
    """429 that persisted through the retries."""


class MassivePayloadError(MassiveError):
    """A response we could not read (not JSON, or not the documented shape)."""
