"""Shared fixtures: the five built-in institutions, loaded once per session.

Kept small and additive: other test modules may add their own fixtures here.
"""

from __future__ import annotations

import pytest

from model.loader import load_institution
from model.rules import Institution


@pytest.fixture(scope="session")
def inst_alxa() -> Institution:
    """seed 000: Alxa League Medical Security Bureau (末位发言)."""
    return load_institution("alxa_medical_security_bureau")


@pytest.fixture(scope="session")
def inst_prefecture() -> Institution:
    """seed 001: prefecture Medical Security Bureau party group."""
    return load_institution("prefecture_medical_security_party_group")


@pytest.fixture(scope="session")
def inst_xiuzhou() -> Institution:
    """seed 002: Xiuzhou District leadership (五个不直接分管, 模本一)."""
    return load_institution("xiuzhou_district")


@pytest.fixture(scope="session")
def inst_taobei() -> Institution:
    """seed 003: Taobei District government (三重一大)."""
    return load_institution("taobei_district_government")


@pytest.fixture(scope="session")
def inst_city() -> Institution:
    """seed 004: city Medical Security Bureau rule compilation."""
    return load_institution("city_medical_security_bureau")


@pytest.fixture(autouse=True)
def _own_result_cache(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test reads and writes its own, empty result cache (``quorumlab check`` keeps one
    by default, in the user's cache folder): no test passes on another run's results."""
    monkeypatch.setenv("QUORUMLAB_CACHE", str(tmp_path_factory.mktemp("cache")))
