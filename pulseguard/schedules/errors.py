"""The one error a schedule raises: which field is wrong, and why."""


class ScheduleError(ValueError):
    """A schedule spec that cannot be used; `field` names the offending field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message
