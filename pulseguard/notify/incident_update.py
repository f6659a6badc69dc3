"""The notification of `incident_update` events: public updates on manual incidents (§6).

Called after the commit by the incident routes (api/incidents). A private update, or any update
on an automatic incident (whose down and recovery are told already), sends nothing. Each update
goes once to every config that covers one of the incident's servers and subscribes to
`incident_update` (notify/announce.py).
"""

from pulseguard.models import Incident, IncidentUpdate
from pulseguard.notify.announce import announce


def announce_update(incident: Incident, update: IncidentUpdate) -> None:
    """Enqueue the messages of an incident's committed update (none unless public and manual)."""
    if incident.kind != "manual" or not update.public:
        return
    title = incident.title
    announce(
        "incident_update",
        incident.server_ids,
        {
            "ref": f"incident-update:{update.id}",
            "server_name": title,
            "status": update.status,
            "incident_id": incident.id,
            "headline": f"Incident update ({update.status}): {title}",
            "lines": [f"Incident #{incident.id}: {title}", update.message],
            "extra": {"update": {"id": update.id, "status": update.status, "public": True}},
        },
    )
