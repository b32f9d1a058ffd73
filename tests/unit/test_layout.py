"""The project layout keeps the `constructs` library importable (no shadowing package)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_constructs_resolves_to_the_library_not_a_project_package() -> None:
    import constructs
    from constructs import Construct

    location = Path(constructs.__file__).resolve()
    assert "site-packages" in location.parts, location
    assert location.parent != REPO_ROOT / "constructs"
    assert Construct.__module__.startswith("constructs")


def test_our_constructs_package_has_a_non_shadowing_name() -> None:
    assert not (REPO_ROOT / "constructs").exists()
    assert (REPO_ROOT / "labeling_constructs" / "__init__.py").is_file()
