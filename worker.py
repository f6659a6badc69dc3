"""RQ worker entry point (the Procfile's worker process)."""

from gevent import monkey

monkey.patch_all()

import sys

sys.exit("The RQ worker arrives with the check engine (issue 3).")
