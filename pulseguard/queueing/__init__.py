"""Where jobs go: the RQ queues by name (light: the scheduler process imports only this).

`pulseguard.queueing.enqueue` puts jobs on them (or, without REDIS_URL, runs them as greenlets of
this process). Both the job orchestration (`pulseguard.jobs`) and the packages whose work runs as
jobs (`pulseguard.notify`) sit above this package, so neither imports the other for it.
"""

CHECKS, NOTIFY, UPKEEP = "checks", "notify", "upkeep"
