"""The input files of a recorded run: load them to start one, find them again to replay one.

A header pins each input by name and SHA-256. Replaying needs the very bytes that were
played, so files are looked for where the run left them, next to the journal and among
the shipped scenarios, and accepted only when their digest matches. Documents are loaded
through the engine's `load_scenario`, which reuses a parsed scenario while its files are
unchanged on disk (as `run` does).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

from simulator import shipped
from simulator.engine.headless import load_scenario, parse_until
from simulator.journal.format import file_sha256, text_name
from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.documents import load_document, resolve_reference
from simulator.model.network import NetworkBody
from simulator.model.policy import BUILTIN_POLICIES, PolicyBody, builtin_policy, builtin_policy_path, resolve_policy
from simulator.model.scenario import ScenarioBody

HOSPITAL_TZ = ZoneInfo("Europe/Paris")
"""Scenario start times are local hospital time; the header writes them with their UTC offset."""


@dataclass(frozen=True)
class Inputs:
    """A scenario, its network (overrides not yet applied) and the policy, with the files they came from."""

    scenario_path: Path
    scenario: ScenarioBody
    network_path: Path
    network: NetworkBody
    policy_path: Path | None = None
    policy: PolicyBody | None = None
    policy_spec: str | None = None
    fragments: tuple[Path, ...] = ()  # network fragments read through `include:`

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file these inputs were read from (outputs must never replace one)."""
        return (self.scenario_path, self.network_path, *self.fragments) + ((self.policy_path,) if self.policy_path else ())


def _error(path: str | os.PathLike, message: str, line: int = 1) -> InputError:
    return InputError([Diagnostic(str(path), line, 1, "error", message)])


def load_inputs(scenario_path: str | os.PathLike, policy: str | None = None) -> Inputs:
    """Load a scenario (and its network) and a policy: a built-in name or a policy file."""
    path = Path(scenario_path)
    try:
        loaded = load_scenario(path)
    except IsADirectoryError as exc:
        raise _error(path, "is a folder, not a scenario file") from exc
    except OSError as exc:
        raise _error(path, f"cannot read scenario: {exc.strerror or exc}") from exc
    body: ScenarioBody = loaded.model.scenario
    network_path, network = _network_of(loaded)
    policy_path, policy_body = None, None
    if policy is not None:
        policy_path, policy_body = _load_policy(policy)
    return Inputs(path.resolve(), body, network_path, network, policy_path, policy_body, policy, _fragments(loaded))


def _network_of(loaded) -> tuple[Path, NetworkBody]:
    """The scenario's network file and model (as `load_scenario` keeps them in the loaded document)."""
    network_path = loaded.context.get("network_path") or resolve_reference(
        loaded.doc, ("scenario", "network"), loaded.model.scenario.network
    )
    network = loaded.context.get("network") or load_document(network_path, expect="network").model.network
    return Path(network_path), network


def _fragments(loaded) -> tuple[Path, ...]:
    return tuple(loaded.context.get("network_files", ())[1:])


def _load_policy(spec: str) -> tuple[Path, PolicyBody]:
    resolved = resolve_policy(spec)
    return (resolved.path or builtin_policy_path(spec)), resolved.body


def exercise_start(scenario: ScenarioBody) -> str:
    """T+0 in the exercise world, ISO 8601 with the hospital's UTC offset."""
    start: datetime = scenario.start
    return start.replace(tzinfo=HOSPITAL_TZ).isoformat()


def _named(folder: Path, name: str) -> Iterator[Path]:
    """`folder/name`; for a name recorded with U+FFFD (its bytes were not UTF-8), the files it stands for."""
    yield folder / name
    if "\ufffd" not in name:
        return
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return
    for entry in entries:
        if entry != name and text_name(entry) == name:
            yield folder / entry


def _candidates(name: str, recorded: str | None, journal: Path) -> Iterator[Path]:
    """Where an input file may be, most likely first (lazily: the shipped tree is walked last)."""
    if recorded:
        recorded_path = Path(recorded)
        yield recorded_path
        if "\ufffd" in recorded_path.name:
            yield from _named(recorded_path.parent, recorded_path.name)
    yield from _named(journal.resolve().parent, name)
    yield from _named(Path.cwd(), name)
    yield from (path for path in shipped.all_files() if path.name == name)


def _find(kind: str, ref: dict, recorded: str | None, journal: Path, given: Path | None) -> Path:
    """The file whose bytes the header names: the given one must match, else search the usual places."""
    name, digest = ref["file"], ref["sha256"]
    if given is not None:
        if not given.is_file():
            raise _error(given, f"cannot read {kind} file")
        if file_sha256(given) != digest:
            raise _error(given, f"this {kind} file is not the one the journal recorded (SHA-256 differs from {digest[:12]}…)")
        return given
    mismatched: Path | None = None
    seen: set[Path] = set()
    for path in _candidates(name, recorded, journal):
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        if path.is_file():
            if file_sha256(path) == digest:
                return path
            mismatched = mismatched or path
    hint = f"; '{mismatched}' exists but its SHA-256 differs (the file changed since the run)" if mismatched else ""
    option = f" (pass --{kind} FILE)" if kind in ("scenario", "policy") else ""
    raise _error(journal, f"{kind} file '{name}' (SHA-256 {digest[:12]}…) not found{option}{hint}")


_PATH_KEYS = ("scenario", "network", "policy")


def config_problem(config: object) -> str | None:
    """Why a header's `config` cannot be used to replay or resume, or None.

    The chain can be rebuilt without a key, so a header's free `config` is checked where it is
    used: a wrong type there would otherwise surface as a TypeError deep in the engine.
    """
    if config is None:
        return None
    if not isinstance(config, dict):
        return "header config is not an object"
    paths = config.get("paths")
    if paths is not None:
        if not isinstance(paths, dict):
            return "header config 'paths' is not an object"
        for key in _PATH_KEYS:
            value = paths.get(key)
            if value is not None and (not isinstance(value, str) or not value or "\0" in value):
                return f"header config 'paths.{key}' is not a file name: {value!r}"
    if "until" in config:
        until = config["until"]
        try:
            if isinstance(until, bool) or not isinstance(until, (str, int, float)):
                raise ValueError
            if not isinstance(until, str) and not 0 < until < float("inf"):
                raise ValueError
            parse_until(until)
        except (ValueError, InputError):
            return f"header config 'until' is not a time: {until!r}"
    for key in ("mode", "role", "policy"):
        value = config.get(key)
        if value is not None and not isinstance(value, str):
            return f"header config '{key}' is not a string: {value!r}"
    return None


def locate_inputs(
    header: dict,
    journal: str | os.PathLike,
    *,
    scenario: str | os.PathLike | None = None,
    policy: str | os.PathLike | None = None,
) -> Inputs:
    """Find and load the exact files a journal's header names (InputError when they cannot be found)."""
    journal = Path(journal)
    data = header["data"]
    config = data.get("config") or {}
    problem = config_problem(config)
    if problem is not None:
        raise _error(journal, problem)
    paths = config.get("paths") or {}
    scenario_path = _find("scenario", data["scenario"], paths.get("scenario"), journal, Path(scenario) if scenario else None)
    loaded = load_scenario(scenario_path)
    body: ScenarioBody = loaded.model.scenario
    network_path, network = _network_of(loaded)
    if file_sha256(network_path) != data["network"]["sha256"]:
        raise _error(
            network_path,
            f"the network file has changed since the run (SHA-256 differs from {data['network']['sha256'][:12]}…)",
        )
    policy_ref = data.get("policy")
    policy_path, policy_body, policy_spec = None, None, None
    if policy_ref is not None:
        builtin = policy_ref.get("id")
        if policy is None and builtin in BUILTIN_POLICIES and file_sha256(builtin_policy_path(builtin)) == policy_ref["sha256"]:
            policy_path, policy_body, policy_spec = builtin_policy_path(builtin), builtin_policy(builtin), builtin
        else:
            policy_path = _find("policy", policy_ref, paths.get("policy"), journal, Path(policy) if policy else None)
            policy_body = load_document(policy_path, expect="policy").model.policy
            policy_spec = str(policy_path)
    return Inputs(scenario_path.resolve(), body, network_path, network, policy_path, policy_body, policy_spec, _fragments(loaded))
