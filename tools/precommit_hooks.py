"""The hooks of .pre-commit-config.yaml, for tools/test to run as its stages.

Prints one line per hook: its name, a tab, its command (entry and args).
tools/test runs them with the project's environment first on PATH, as
`pre-commit run --all-files` does from that environment. Only local hooks of
language ``system`` that take no file names fit that; any other hook is an
error here, so the two can never drift apart.
"""

import shlex
import sys
from pathlib import Path

import yaml

CONFIG = Path(__file__).resolve().parent.parent / ".pre-commit-config.yaml"


def hooks(config):
    for repo in config.get("repos", []):
        for hook in repo.get("hooks", []):
            where = f"hook {hook.get('id')!r} of {CONFIG.name}"
            if repo.get("repo") != "local" or hook.get("language") != "system":
                raise ValueError(f"{where}: tools/test runs local system hooks only")
            if hook.get("pass_filenames", True):
                raise ValueError(f"{where}: needs pass_filenames: false")
            command = hook["entry"]
            if hook.get("args"):
                command += " " + shlex.join(hook["args"])
            yield hook.get("name") or hook["id"], command


def main():
    try:
        config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
        for name, command in hooks(config):
            print(f"{name}\t{command}")
    except (OSError, KeyError, ValueError, yaml.YAMLError) as err:
        print(f"tools/precommit_hooks.py: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
