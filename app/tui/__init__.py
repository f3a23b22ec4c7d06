"""The Textual desk: the only place the core and the widgets meet.

``run_desk`` is what ``frontline`` (no sub-command) calls. Importing this
package pulls in Textual, so the CLI imports it lazily.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.config import Settings

__all__ = ["run_desk"]


def run_desk(settings: Settings, db_path: Path | None = None) -> int:
    """Open the database and run the desk until the user quits.

    Args:
        settings: Loaded settings (refresh interval, alerts, keymap, theme).
        db_path: A database other than the configured one (``--db``).

    Returns:
        The process exit code (0).
    """
    from app.desk import open_desk
    from app.models import RefreshReport
    from app.refresh import run_refresh
    from app.tui.app import make_app

    if db_path is not None:
        settings = settings.with_database(db_path)
    # The integrity check runs on a worker after the first frame (DeskApp).
    desk = open_desk(settings, check=False)

    def refresh() -> RefreshReport:
        return run_refresh(settings)

    app = make_app(desk, refresh=None if desk.readonly else refresh)
    try:
        result = app.run()
    finally:
        desk.store.close()
    return int(result or 0)
