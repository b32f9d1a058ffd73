"""`cdk synth` with bad configuration: a clear message and exit 1, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_unknown_environment_fails_before_any_stack_with_a_clear_message(tmp_path: Path) -> None:
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps({"env": "staging"}), "CDK_OUTDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "Invalid configuration for environment 'staging':" in result.stderr
    assert "unknown environment; known: dev, prod" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.template.json"))


def test_a_toml_syntax_error_ends_synth_with_the_line_and_exit_1(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    text = (REPO_ROOT / "config" / "dev.toml").read_text(encoding="utf-8")
    broken = text.replace("retain_data = false", "retain_data = nope", 1)
    assert broken != text
    (config_dir / "dev.toml").write_text(broken, encoding="utf-8")
    number = broken.splitlines().index("retain_data = nope") + 1
    context = {"env": "dev", "config_dir": str(config_dir)}
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps(context), "CDK_OUTDIR": str(tmp_path / "out")}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert f"not valid TOML (line {number}, column 15): Invalid value" in result.stderr
    assert f"{config_dir / 'dev.toml'}:{number}:15" in result.stderr
    assert f"{number} | retain_data = nope" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((tmp_path / "out").glob("*.template.json"))


def test_a_rule_failing_while_the_stacks_are_built_ends_synth_with_the_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import app
    from gt_rules.errors import RuleViolation, Violation

    class ContextOnly:  # cdk.App's context, without starting the CDK runtime
        node = SimpleNamespace(try_get_context=lambda key: None)

    def build_app(config: object) -> None:
        raise RuleViolation([Violation("jobs[0](fashion).workforce.price_usd", "9", "not a price point")])

    monkeypatch.setattr(app, "cdk", SimpleNamespace(App=ContextOnly))
    monkeypatch.setattr(app, "build_app", build_app)
    with pytest.raises(SystemExit) as caught:
        app.main()
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Invalid configuration for environment 'dev': 1 problem in config/dev.toml")
    assert "jobs[0](fashion).workforce.price_usd = '9': not a price point" in err
