"""Commands of each area of the warehouse, one module per area.

A module here defines ``COMMANDS``: a list of click commands (or groups) that ``video-insights``
adds at start-up. Keep heavy imports inside the command functions: every CLI call imports all
of these modules.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def discover() -> list[click.Command]:
    """The commands every module of this package exports, in module-name order."""
    commands: list[click.Command] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        commands.extend(getattr(module, "COMMANDS", []))
    return commands
