"""Logging to stderr and to logs/pulseguard.log, rotated at 10 MB."""

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"


def init_app(app):
    configure(app.config)


def configure(config) -> None:
    """Log at config["LOG_LEVEL"] to stderr, and to LOG_DIR/pulseguard.log when LOG_DIR is set."""
    level = getattr(logging, config["LOG_LEVEL"], logging.INFO)
    root = logging.getLogger()
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin
    if getattr(root, "_pulseguard", False):
        return
    root._pulseguard = True
    handlers = [logging.StreamHandler(sys.stderr)]
    if config.get("LOG_DIR"):
        Path(config["LOG_DIR"]).mkdir(parents=True, exist_ok=True)
        path = Path(config["LOG_DIR"]) / "pulseguard.log"
        handlers.append(RotatingFileHandler(path, maxBytes=10 * 1024 * 1024, backupCount=5))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
