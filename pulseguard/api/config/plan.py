"""What an apply would do to one kind of object: creates, updates, deletes, and their errors."""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class KindPlan:
    """One kind's plan; `changes` is what the answer lists, `errors` is by document path."""

    kind: str = "server"
    creates: list[Any] = field(default_factory=list)
    updates: list[tuple[Any, Any]] = field(default_factory=list)  # (stored object, its new data)
    deletes: list[Any] = field(default_factory=list)
    unmanaged: list[Any] = field(default_factory=list)
    unchanged: int = 0
    changes: list[dict] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {
            "create": len(self.creates),
            "update": len(self.updates),
            "delete": len(self.deletes),
            "unchanged": self.unchanged,
            "unmanaged": len(self.unmanaged),
        }

    @property
    def writes(self) -> bool:
        return bool(self.creates or self.updates or self.deletes)

    def match(self, key, stored, planned, before, after, diff, payload=None) -> None:
        """Record one document object: a create, an update (with its diff) or unchanged.

        `planned` is the new object built from the document; an update keeps `payload` (what
        execute writes on the stored object), by default that planned object.
        """
        if stored is None:
            self.creates.append(planned)
            self.changes.append({"kind": self.kind, "key": key, "action": "create"})
            return
        changed = diff(before or {}, after)
        if changed:
            self.updates.append((stored, planned if payload is None else payload))
            self.changes.append(
                {"kind": self.kind, "key": key, "action": "update", "diff": changed}
            )
        else:
            self.unchanged += 1

    def left_out(self, key: str, stored, prune: bool) -> None:
        """Record a stored object the document lacks: deleted with prune, else unmanaged."""
        (self.deletes if prune else self.unmanaged).append(stored)
        action = "delete" if prune else "unmanaged"
        self.changes.append({"kind": self.kind, "key": key, "action": action})
