"""A page's (and each group's) overall status: the worst of its components' states and of the
open public manual incidents it shows (§4's `overall`, §3's severities).

Components give §4's rule: every known one in outage → `major_outage`, some → `partial_outage`,
any degraded → `degraded`, else `maintenance` when one is, else `operational`; unknown ones are
left out. An open manual incident (an announcement) says what the checks may not see: severity
`degraded` raises the banner to at least `degraded`, `down` to at least `partial_outage` (one
announcement does not put every component out). Automatic incidents add nothing: their server's
component already shows its state, and their `severity` is the worst seen, not the current one.
"""

from collections.abc import Iterable

ORDER = ["operational", "maintenance", "degraded", "partial_outage", "major_outage"]
IMPACT = {"degraded": "degraded", "down": "partial_outage"}
MESSAGES = {
    "major_outage": "Major outage",
    "partial_outage": "Some systems are down",
    "degraded": "Some systems are degraded",
    "maintenance": "Under maintenance",
    "operational": "All systems operational",
}


def of_components(statuses: Iterable[str]) -> str:
    """Return the status of a set of components; unknown ones are left out."""
    known = [s for s in statuses if s != "unknown"]
    if known and all(s == "outage" for s in known):
        return "major_outage"
    if "outage" in known:
        return "partial_outage"
    if "degraded" in known:
        return "degraded"
    if "maintenance" in known:
        return "maintenance"
    return "operational"


def worst(statuses: Iterable[str], severities: Iterable[str] = ()) -> str:
    """Return the components' status, raised by the severities of open manual incidents."""
    found = [of_components(statuses)] + [IMPACT[s] for s in severities if s in IMPACT]
    return max(found, key=ORDER.index)
