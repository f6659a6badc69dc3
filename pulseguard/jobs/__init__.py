"""Jobs: plain functions that take ids, safe to run twice, enqueued after commit."""

CHECKS, NOTIFY, UPKEEP = "checks", "notify", "upkeep"  # the RQ queues
