"""The command line's structure: lazy commands, paths that shells complete, a top-level --lang."""

from __future__ import annotations

import subprocess
import sys

import click

from simulator.cli import COMMANDS, LazyGroup, _load_commands, cli


def _walk(command: click.Command, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, path + (name,))


def test_the_registry_lists_every_command_with_its_own_short_help():
    _load_commands()
    assert isinstance(cli, LazyGroup)
    assert set(cli.commands) == set(COMMANDS)
    for name, command in cli.commands.items():
        assert COMMANDS[name][1] == command.get_short_help_str(65), f"COMMANDS['{name}'] short help is stale"


PATH_PARAMS = {"scenario", "paths", "file", "journal", "log_path", "sign_key", "journal_dir", "out", "output", "out_dir",
               "variant", "plot", "pubkey", "scenario_path", "policy_path", "policy"}


def test_every_path_parameter_is_a_click_path():
    _load_commands()
    checked = 0
    for path, command in _walk(cli):
        for param in command.params:
            if param.name in PATH_PARAMS:
                assert isinstance(param.type, click.Path), f"cyberdrill {' '.join(path)} {param.name}: not a click.Path (no shell completion)"
                checked += 1
    assert checked >= 30


def test_help_and_version_import_no_command_module():
    code = (
        "import sys\n"
        "from simulator.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('simulator.') and m not in ('simulator.cli', 'simulator.cli.interrupt'))\n"  # interrupt: main()'s own, stdlib only
        "heavy = [m for m in ('pydantic', 'textual', 'rich', 'simpy', 'networkx', 'yaml') if m in sys.modules]\n"
        "print(loaded, heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "[] []", done.stderr


def test_top_level_lang_is_the_default_of_commands_with_a_lang(run_cli):
    code, out, _ = run_cli("--lang", "en", "scenarios")
    assert code == 0 and "Scenario" in out and "Scénario" not in out
    code, out, _ = run_cli("--lang", "en", "scenarios", "--lang", "fr")  # the command's own wins
    assert code == 0 and "Scénario" in out
    code, out, _ = run_cli("--lang", "en", "network", "show", "ch-reference")
    assert code == 0 and "Reference general hospital" in out
    code, out, _ = run_cli("--lang", "fr", "network", "show", "ch-reference")
    assert code == 0 and "Reference general hospital" not in out


def test_completion_lists_commands_and_files(tmp_path, monkeypatch):
    (tmp_path / "exercise.jsonl").write_text("")
    monkeypatch.chdir(tmp_path)
    env = {"_CYBERDRILL_COMPLETE": "bash_complete", "COMP_WORDS": "cyberdrill sce", "COMP_CWORD": "1"}
    monkeypatch.setattr(sys, "argv", ["cyberdrill"])
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    done = subprocess.run([sys.executable, "-c", "from simulator.cli import cli; cli(prog_name='cyberdrill')"], capture_output=True, text=True, timeout=60, env={**__import__('os').environ, **env})
    assert "plain,scenarios" in done.stdout.splitlines()
    env.update(COMP_WORDS="cyberdrill log verify ex", COMP_CWORD="3")
    done = subprocess.run([sys.executable, "-c", "from simulator.cli import cli; cli(prog_name='cyberdrill')"], capture_output=True, text=True, timeout=60, env={**__import__('os').environ, **env})
    assert "file," in done.stdout  # shells complete file names for a LOG


def test_every_json_output_carries_a_format_version(run_cli, tmp_path):
    import json

    journal = tmp_path / "run.jsonl"
    outputs = {
        "run": run_cli("run", "beginner-teleservices-ddos", "--json", "--log", journal),
        "validate": run_cli("validate", "--json", "ch-reference"),
        "lint": run_cli("lint", "--json", "--static", "beginner-teleservices-ddos"),
        "scenarios": run_cli("scenarios", "--json"),
        "network show": run_cli("network", "show", "ch-reference", "--json"),
        "log verify": run_cli("log", "verify", journal, "--json"),
        "log replay": run_cli("log", "replay", journal, "--json"),
        "log whatif": run_cli("log", "whatif", journal, "--at", "T+1h", "--do", "declare-crisis", "--json"),
        "batch": run_cli("batch", "beginner-teleservices-ddos", "--runs", "2", "--workers", "1", "--json"),
    }
    for name, (code, out, err) in outputs.items():
        assert code in (0, 1), f"{name}: {err}"
        assert json.loads(out)["format_version"] == 1, name


def test_python_m_simulator_exits_130_after_a_ctrl_c_raised_in_exec_built_code(tmp_path):
    """Regression (the batch Ctrl+C test failed now and then under load, exit -2): a Ctrl+C that
    lands while Python builds a namedtuple or a dataclass (code run by exec or eval) is handled,
    yet under `python -m` CPython then killed the process by SIGINT instead of exiting 130, unlike
    the `cyberdrill` script. Here the interrupt is raised in exec'd code where the command runs."""
    (tmp_path / "sitecustomize.py").write_text(
        "import simulator.cli\n"
        "def interrupted(*args, **kwargs):\n"
        "    exec('raise KeyboardInterrupt')\n"
        "simulator.cli.cli.main = interrupted\n",
        encoding="utf-8",
    )
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(root)])}
    proc = subprocess.run([sys.executable, "-m", "simulator", "--version"], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 130, (proc.returncode, proc.stderr)
    assert proc.stderr.strip() == "interrupted"
