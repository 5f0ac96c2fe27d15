"""tools/precommit_hooks.py: the static stages of tools/test are the hooks of
.pre-commit-config.yaml, and only hooks that tools/test can run the same way."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "precommit_hooks", ROOT / "tools" / "precommit_hooks.py"
)
precommit_hooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(precommit_hooks)


def local(**hook):
    base = {"id": "x", "language": "system", "pass_filenames": False, "entry": "true"}
    return {"repos": [{"repo": "local", "hooks": [{**base, **hook}]}]}


def test_the_project_config_lists_every_static_check():
    config = precommit_hooks.yaml.safe_load(precommit_hooks.CONFIG.read_text())
    commands = [command for _name, command in precommit_hooks.hooks(config)]
    assert commands == [
        "ruff check .",
        "ruff format --check .",
        "tools/pylint_odoo",
        "tools/pylint_odoo --full",
        "tools/oca_checks",
        "python tools/check_wheel.py",
    ]


def test_args_are_appended_shell_quoted():
    config = local(entry="tools/x", args=["--a", "b c"])
    assert list(precommit_hooks.hooks(config)) == [("x", "tools/x --a 'b c'")]


@pytest.mark.parametrize(
    "config",
    [
        local(language="python"),
        local(pass_filenames=True),
        {"repos": [{"repo": "https://example.invalid/hooks", "hooks": [{"id": "y"}]}]},
    ],
)
def test_hooks_tools_test_cannot_run_alike_are_refused(config):
    with pytest.raises(ValueError):
        list(precommit_hooks.hooks(config))
