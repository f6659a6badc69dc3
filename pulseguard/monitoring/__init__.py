"""Turning check outcomes into recorded results, statuses, uptime and transitions."""
