"""A stream's catch-up from the database after a bus gap, waited out while the database is busy.

When the hub (re)subscribes, every stream that may have missed events reads them from the
database at once, often while thousands of others are still opening: the pool can stay exhausted
for longer than its timeout, or the database be away. A catch-up that finds no connection tries
again a moment later instead of ending its stream (found by bench/scaleout's 10,000-stream run,
where such streams ended and lost every later event). Meanwhile the hub queues the stream's later
events behind it, in order; a stream whose queue fills up is dropped, as any slow one is.
"""

import logging

import gevent
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)

RETRY_S = 1.0


def when_database_allows(stream, read, empty):
    """Return read() once the database answers it; `empty` if the stream ends meanwhile.

    The stream ends meanwhile when the hub drops it or its token expires: the caller's loop
    notices either at once.
    """
    while True:
        try:
            return read()
        except (PoolTimeout, OperationalError) as error:
            left = stream.viewer.seconds_left()
            if stream.dropped or (left is not None and left <= 0):
                return empty
            log.warning(
                "A %s stream of user %s catches up in %.0f s: database busy (%s)",
                stream.kind,
                stream.viewer.id,
                RETRY_S,
                type(error).__name__,
            )
        gevent.sleep(RETRY_S)
