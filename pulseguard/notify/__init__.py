"""Notifications: one transport per channel, delivered as jobs off the check path."""
