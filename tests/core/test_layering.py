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


def test_every_core_module_is_under_the_no_textual_contract() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]
    listed = set(contract["source_modules"])
    core = {
        f"app.{p.stem if p.is_file() else p.name}"
        for p in (ROOT / "app").iterdir()
        if (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
        or (p.is_dir() and (p / "__init__.py").exists() and p.name != "tui")
    }
    # A new core module must be added to the contract, or nothing checks it.
    assert core - listed == set()
    assert listed - core == set()
