"""The refresh lock: exclusive, names its holder, freed by a killed holder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.errors import LockedError
from app.lock import acquire, holder_pid, refresh_lock


def test_second_acquire_fails_with_the_holders_pid(tmp_path: Path) -> None:
    p = tmp_path / "x.lock"
    with refresh_lock(p):
        assert holder_pid(p) == os.getpid()
        with pytest.raises(LockedError) as e:
            acquire(p)
        assert e.value.pid == os.getpid()
        assert str(os.getpid()) in str(e.value)
    acquire(p).release()  # free again


def test_killed_holder_frees_the_lock_at_once(tmp_path: Path) -> None:
    p = tmp_path / "k.lock"
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[2]);"
        "from app.lock import acquire; l = acquire(__import__('pathlib').Path(sys.argv[1]));"
        "print('held', flush=True); time.sleep(60)"
    )
    root = str(Path(__file__).resolve().parents[2])
    child = subprocess.Popen([sys.executable, "-c", code, str(p), root], stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"held"
        with pytest.raises(LockedError) as e:
            acquire(p)
        assert e.value.pid == child.pid
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        deadline = time.monotonic() + 5
        while True:
            try:
                acquire(p).release()
                break
            except LockedError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
