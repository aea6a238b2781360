"""What several verbs take alike: the data folder, and the engine's provider and data folder."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="the app's data folder (default: the platform's user data folder)")


def add_engine(parser: argparse.ArgumentParser) -> None:
    """``--provider`` and ``--data-dir`` of a verb that runs the engine."""
    from data.providers.registry import available_providers

    parser.add_argument("--provider", choices=available_providers(), default=None,
                        help="market data provider (default: the one chosen in Preferences, else demo)")
    add_data_dir(parser)


def engine_config(args: argparse.Namespace):
    """The engine's configuration from ``--provider`` and ``--data-dir`` (else the app's defaults)."""
    from app.cli import _saved_provider, default_data_dir
    from app.core.context import EngineConfig

    data_dir = (args.data_dir or default_data_dir()).expanduser().resolve()
    return EngineConfig(data_dir, args.provider or _saved_provider(data_dir))
