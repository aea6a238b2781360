"""Provider errors (kept import-light: the command line names providers before numpy loads)."""


class ProviderError(Exception):
    """A provider failure with a message fit for the user (never contains secrets)."""
