"""One down message per outage when two workers each recorded a change to down for it.

The incident is one (monitoring/incidents.py), and so is each config's message about it: the
first attempt is unique per config, incident and event (NotificationDelivery's index). Run on
PostgreSQL too (TEST_DATABASE=postgresql), where the two deliveries really interleave.
"""

import gevent
from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import StatusChange
from pulseguard.monitoring.record import record_results
from pulseguard.notify.delivery import deliver
from tests.outcomes import DOWN, OK, result


def test_two_workers_delivering_two_changes_of_one_outage_send_once(
    embedded, server, add_config, deliveries, webhook
):
    with embedded.app_context():
        record_results([result(server["id"], OK)])
        record_results([result(server["id"], DOWN)])
        # What the second worker recorded: another change to down, in the same incident.
        second = StatusChange(
            server_id=server["id"], old_status="up", new_status="down", message="HTTP 503"
        )
        db.session.add(second)
        db.session.commit()
        changes = db.session.scalars(
            select(StatusChange.id).where(StatusChange.new_status == "down")
        ).all()
    hook = add_config(server["id"], "webhook", webhook.url + "/hook")

    def worker(change_id):
        with embedded.app_context():
            return deliver(hook, change_id, "failure")

    jobs = [gevent.spawn(worker, cid) for cid in changes]
    gevent.joinall(jobs, raise_error=True)
    assert sorted(str(job.value) for job in jobs) == ["None", "sent"]
    assert [d[:4] for d in deliveries()] == [(hook, "failure", 1, "sent")]
    assert len(webhook.requests) == 1
