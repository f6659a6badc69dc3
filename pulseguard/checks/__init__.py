"""Probes: pure functions that check one target and return an Outcome; a concurrent runner."""
