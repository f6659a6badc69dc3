"""Routes of /api/incidents/<id>/updates/: dated notes, public (status pages) or private."""

from flask.views import MethodView

from pulseguard.api.incidents import blp, manual
from pulseguard.api.incidents.access import get_own_incident
from pulseguard.api.incidents.routes import NOT_FOUND
from pulseguard.api.incidents.schemas import IncidentUpdateSchema
from pulseguard.extensions import db
from pulseguard.monitoring.incident_events import publish_incidents
from pulseguard.notify.incident_update import announce_update


@blp.route("/incidents/<int:incident_id>/updates/")
class IncidentUpdates(MethodView):
    @blp.response(200, IncidentUpdateSchema(many=True))
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, incident_id):
        """List an incident's updates, newest first."""
        return get_own_incident(incident_id).updates

    @blp.arguments(IncidentUpdateSchema)
    @blp.response(201, IncidentUpdateSchema)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(409, description="`resolved` on an automatic incident still open")
    def post(self, data, incident_id):
        """Add an update. A public one makes the incident public; `status: resolved` resolves
        a manual incident (409 on an automatic one still open; a note on a resolved one)."""
        incident = get_own_incident(incident_id)
        update = manual.add_update(incident, data)
        shown = manual.shown_on(incident)
        db.session.commit()
        manual.clear_pages(shown)
        publish_incidents([incident.id])
        announce_update(incident, update)
        return update
