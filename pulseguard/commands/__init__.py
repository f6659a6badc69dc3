"""CLI command groups registered by pulseguard.cli.init_app."""
