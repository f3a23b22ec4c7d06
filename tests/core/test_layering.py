"""The core stays free of Textual, so cron's `frontline refresh` starts fast."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_imports_leave_textual_and_widgets_out() -> None:
    code = (
        "import sys; import app.cli, app.refresh, app.desk, app.derive;"
        # rich is absent from the list: httpx imports it for its own CLI when installed.
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'widgets')"
        " or m.startswith('app.tui'));"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
