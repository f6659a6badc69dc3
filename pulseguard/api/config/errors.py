"""Why an apply did not happen: an HTTP code, a message and, for 422, errors by document path."""


class ApplyError(Exception):
    """The apply changed nothing (the API answers `code`; the CLI prints the message)."""

    def __init__(self, code: int, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.code, self.message, self.errors = code, message, errors or {}
