"""Periodic upkeep jobs: pruning expired results and rollups."""

import logging

from flask import current_app

from pulseguard.monitoring.retention import prune

log = logging.getLogger(__name__)


def prune_results() -> dict:
    """Delete results past RESULT_RETENTION_DAYS and rollups past ROLLUP_RETENTION_DAYS."""
    config = current_app.config
    report = prune(
        config["RESULT_RETENTION_DAYS"],
        config["ROLLUP_RETENTION_DAYS"],
        batch_size=config["PRUNE_BATCH_SIZE"],
        state_days=config["STATE_RETENTION_DAYS"],
    )
    log.info("Pruned %(results)d results and %(rollups)d rollups", report)
    return {"results": report["results"], "rollups": report["rollups"]}
