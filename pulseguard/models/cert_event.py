"""A `cert_expiring` event: a server's certificate crossed one of its expiry thresholds.

One row per threshold per certificate (fingerprint): the unique key is what makes each threshold
fire once, even when two writers record the same certificate. A renewed certificate has a new
fingerprint, so its thresholds start afresh.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime, utcnow


class CertEvent(db.Model):
    __tablename__ = "cert_events"
    __table_args__ = (UniqueConstraint("server_id", "fingerprint_sha256", "threshold_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"), index=True)
    fingerprint_sha256: Mapped[str] = mapped_column(String(64))
    threshold_days: Mapped[int]
    days_remaining: Mapped[int]
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
