"""Jobs: plain functions that take ids, safe to run twice, enqueued after commit.

The queues they go on, and how, are pulseguard.queueing.
"""
