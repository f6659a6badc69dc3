"""What a status change triggers (placeholder until the notifications issue)."""


def enqueue_for_changes(change_ids: list[int]) -> None:
    """Enqueue the notifications due for these committed StatusChange rows."""
