"""Fixtures of the core tests."""

from __future__ import annotations

from typing import Any

import pytest

import app.cluster as cluster_mod


@pytest.fixture
def prepared_ids(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the stories the clusterer tokenises (``prepare``) from now on, in order."""
    seen: list[str] = []
    real = cluster_mod.prepare

    def counting(doc: Any, params: Any) -> Any:
        seen.append(doc.id)
        return real(doc, params)

    monkeypatch.setattr(cluster_mod, "prepare", counting)
    return seen
