"""The attacker: one SimPy process walking the scenario's stages over the hospital graph.

Ground truth lives here (footholds, domain credentials, stage progress). It
reacts to the defenders through the shared hospital state: isolated or
powered-off assets are neither reachable nor usable footholds, a credential
reset takes domain rights away (re-dumped later from a surviving foothold), a
krbtgt reset or an eradication evicts it, a cut internet stops remote control
and exfiltration. Impact stages already deployed (encryption...) run without
remote control. Seeing the defenders react may make it hurry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine import events as ev
from simulator.engine.rng import sample
from simulator.model.attack import technique
from simulator.model.network import AssetKind

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise

# effects that run from payloads already deployed, without remote control
AUTONOMOUS = frozenset({"encryption", "destruction", "service-stop", "defacement", "backup-destruction"})
ACCOUNT_ACCESS = ("T1078", "T1133", "T1110")
# where host-based techniques run (an EDR or an antivirus can be there to see them)
HOST_KINDS = frozenset({
    AssetKind.server, AssetKind.database, AssetKind.domain_controller, AssetKind.workstations, AssetKind.hypervisor,
    AssetKind.backup,
})
HOST_EFFECTS = frozenset({"credentials", "privilege", "persistence", "evasion", "collection", "execution"})
# group policy changes (T1484), NTDS extraction (T1003.003) and DCSync (T1003.006) happen on a domain controller
ON_DOMAIN_CONTROLLER = ("T1484", "T1003.003", "T1003.006")
DEFAULT_IMPACT_KINDS = frozenset({
    AssetKind.server, AssetKind.database, AssetKind.hypervisor, AssetKind.storage, AssetKind.workstations,
    AssetKind.domain_controller, AssetKind.backup,
})


class Attacker:
    def __init__(self, ex: "Exercise"):
        self.ex = ex
        self.threat = ex.scenario.threat
        self.rng = ex.streams["attacker"]
        self.footholds: list[str] = []  # file order of acquisition
        self._foothold_set: set[str] = set()
        self.creds = False
        self.had_creds = False
        self.persistence = False
        self.evicted = False
        self.hurry = False
        self.evasion = False
        self.entry: str | None = None
        self.state: dict[str, str] = {}
        self.done_at: dict[str, float] = {}
        self.encrypted: set[str] = set()
        self.process = None

    # ------------------------------------------------------------ knowledge

    def stage_state(self, sid: str) -> str:
        return self.state.get(sid, "not-done")

    def usable_footholds(self) -> list[str]:
        out_of_use = self.ex.state.out_of_use  # isolated, offline or being restored
        return [a for a in self.footholds if a not in out_of_use]

    def reachable(self) -> frozenset[str]:
        usable = self.usable_footholds()
        if not usable:
            return frozenset()
        return self.ex.state.reachable(usable)

    def c2(self) -> bool:
        return not self.ex.state.internet_cut

    # ------------------------------------------------------------ defender effects

    def on_defender_action(self) -> None:
        if self.threat is not None and self.threat.hurry_when_detected and not self.evicted:
            self.hurry = True

    def reset_credentials(self, scope: str) -> None:
        if scope in ("privileged", "krbtgt"):
            self.creds = False
        if scope == "users" and self.entry is not None and self.threat.initial_access.technique.startswith(ACCOUNT_ACCESS):
            self._drop(self.entry)
        if scope == "krbtgt" and not self.persistence:
            for a in list(self.footholds):
                if self.ex.model.assets[a].domain_joined:
                    self._drop(a)
            if not self.footholds:
                self.evict("krbtgt reset")

    def evict(self, reason: str) -> None:
        if self.evicted:
            return
        self.evicted = True
        if self.threat is None:
            return  # a discussion-only exercise: nobody to evict, nothing to tell
        self.creds = False
        for a in list(self.footholds):
            self._drop(a)
        self.ex.emit(ev.AttackerEvicted(self.ex.now, reason))

    def _drop(self, asset: str) -> None:
        if asset in self._foothold_set:
            self._foothold_set.discard(asset)
            self.footholds.remove(asset)

    def _add(self, asset: str) -> None:
        if asset not in self._foothold_set:
            self._foothold_set.add(asset)
            self.footholds.append(asset)

    # ------------------------------------------------------------ process

    def run(self):
        ex = self.ex
        env = ex.env
        ia = self.threat.initial_access
        if ia.at > env.now:
            yield env.timeout(ia.at - env.now)
        self.state["initial_access"] = "started"
        tgt = ex.model.assets[ia.target]
        mfa = tgt.controls.mfa if tgt.controls.mfa is not None else (
            ex.model.network.controls.mfa_remote_access if tgt.kind == AssetKind.remote_access else False
        )
        if mfa and ia.technique.startswith(ACCOUNT_ACCESS) and self.rng.random() < ex.params["mfa_block_probability"]:
            self.state["initial_access"] = "blocked"
            ex.emit(ev.StageBlocked(env.now, "initial_access", "MFA stopped the stolen credentials"))
            return
        self.entry = ia.target
        self._add(ia.target)
        ex.compromise(ia.target)
        self._finish("initial_access", ia.technique, "initial-access", (ia.target,), ia.detect)
        previous = "initial_access"
        for stage in self.threat.stages:
            if self.evicted:
                return
            pred = stage.after.stage if stage.after is not None else previous
            delay = sample(stage.after.delay, self.rng) if stage.after is not None else 0.0
            if self.hurry:
                delay *= ex.params["hurry_factor"]
            start = self.done_at.get(pred, env.now) + delay
            if stage.at is not None:
                start = max(start, float(stage.at))
            if start > env.now:
                yield env.timeout(start - env.now)
            effect = stage.effect or _effect_of(stage.technique)
            self.state[stage.id] = "started"
            ex.emit(ev.StageStarted(env.now, stage.id, stage.technique))
            # wait until the stage can run: a foothold, remote control, its condition, domain rights
            while True:
                if self.evicted:
                    return
                if not self.usable_footholds():
                    reason = "no usable foothold"
                elif effect not in AUTONOMOUS and not self.c2():
                    reason = "no remote control (internet cut)"
                elif stage.when is not None and not ex.evaluate(stage.when):
                    reason = "waiting for its condition"
                else:
                    if self.had_creds and not self.creds:
                        yield env.timeout(ex.params["retry_delay_minutes"])
                        if self.usable_footholds() and not self.evicted:
                            self.creds = True
                        continue
                    break
                if self.state.get(stage.id) != "blocked":
                    self.state[stage.id] = "blocked"
                    ex.emit(ev.StageBlocked(env.now, stage.id, reason))
                if effect == "exfiltration" and not self.c2():
                    break  # the window passes; the data stays home
                yield env.timeout(ex.params["retry_delay_minutes"])
            if effect == "exfiltration" and not self.c2():
                self.done_at[stage.id] = env.now
                previous = stage.id
                continue
            targets = self._apply(stage, effect)
            self._finish(stage.id, stage.technique, effect, targets, stage.detect)
            previous = stage.id

    def _finish(self, sid: str, tech: str, effect: str, targets: tuple[str, ...], detect) -> None:
        ex = self.ex
        self.state[sid] = "done"
        self.done_at[sid] = ex.env.now
        ex.emit(ev.StageDone(ex.env.now, sid, tech, effect, targets))
        ex.detection.stage_done(sid, tech, effect, self.locus(tech, effect, targets), detect)

    def locus(self, tech: str, effect: str, targets: tuple[str, ...]) -> tuple[str, ...]:
        """Where a technique runs, so where a security tool could see it: a credential dump or an
        EDR being switched off happens on a Windows host, never on a switch or a camera; a group
        policy is changed on a domain controller; data leaves from where the records are."""
        model = self.ex.model.assets
        if tech.startswith(ON_DOMAIN_CONTROLLER):
            kinds: frozenset = frozenset({AssetKind.domain_controller})
        elif effect == "exfiltration":
            held = tuple(a for a in targets if model[a].records > 0)
            if held:
                return held
            kinds = HOST_KINDS
        elif effect in HOST_EFFECTS:
            kinds = HOST_KINDS
        else:
            return targets or tuple(self.usable_footholds()[-1:])
        fits = tuple(a for a in targets if model[a].kind in kinds)
        if fits:
            return fits
        held = [a for a in self.usable_footholds() if model[a].kind in kinds]
        if held:
            return (held[-1],)
        order = self.ex.asset_order
        reach = sorted((a for a in self.reachable() if model[a].kind in kinds), key=order.__getitem__)
        if reach:
            return (reach[0],)
        return targets or tuple(self.usable_footholds()[-1:])

    def _select(self, stage, effect: str) -> list[str]:
        ex = self.ex
        model = ex.model
        sel = stage.targets
        reach = self.reachable()
        if sel is None:
            if effect in ("lateral", "credentials", "privilege"):
                pool = [a for a in model.assets if a in reach and (self.creds or not model.assets[a].domain_joined or effect != "lateral")]
            elif effect == "backup-destruction":
                pool = [b for b in model.backup_assets(offline=False) if b in reach]
            elif effect == "exfiltration":
                pool = [a for a in model.assets if a in reach and model.assets[a].records > 0]
            elif effect in ("encryption", "destruction", "service-stop"):
                pool = [a for a in model.assets if a in reach and model.assets[a].kind in DEFAULT_IMPACT_KINDS]
            else:
                pool = []
        else:
            kinds = sel.kind if isinstance(sel.kind, list) or sel.kind is None else [sel.kind]
            pool = model.targets(
                kind=kinds or None,
                zones=sel.zones or None,
                sites=sel.sites or None,
                domain_joined=sel.domain_joined,
                services=sel.services or None,
            )
            if sel.assets:
                named = set(sel.assets)
                pool = [a for a in pool if a in named] if (kinds or sel.zones or sel.sites or sel.services) else [a for a in model.assets if a in named]
            if sel.online is not None:
                pool = [a for a in pool if a in model.backups and model.backups[a].offline != sel.online]
            if sel.reachable_only:
                pool = [a for a in pool if a in reach]
            if sel.max is not None and len(pool) > sel.max:
                pool = sorted(self.rng.sample(pool, sel.max), key=ex.asset_order.__getitem__)
        st = ex.state
        pool = [a for a in pool if not (st.status(a).isolated or st.status(a).offline)]
        if effect in ("encryption", "destruction", "lateral") and not self.creds:
            # without domain rights only machines already held or outside the domain fall
            pool = [a for a in pool if a in self._foothold_set or not model.assets[a].domain_joined]
        return pool

    def _apply(self, stage, effect: str) -> tuple[str, ...]:
        ex = self.ex
        if effect in ("credentials", "privilege"):
            self.creds = True
            self.had_creds = True
            return ()
        if effect == "persistence":
            self.persistence = True
            return ()
        targets = self._select(stage, effect)
        if effect == "lateral":
            for a in targets:
                self._add(a)
                ex.compromise(a)
        elif effect == "backup-destruction":
            targets = [b for b in targets if b in ex.model.backups and not ex.model.backups[b].offline]
            for b in targets:
                ex.destroy_backup(b)
        elif effect == "exfiltration":
            targets = [a for a in targets if ex.model.assets[a].records > 0]  # data leaves from where it is
            ex.exfiltrate(targets)
        elif effect in ("encryption", "destruction"):
            for a in targets:
                self._add(a)
                ex.encrypt(a, cause=stage.id)
            if stage.also.get("print_ransom_note"):
                ex.ransom_note()
        elif effect == "service-stop":
            for a in targets:
                ex.stop_asset(a)
        elif effect == "defacement":
            ex.ransom_note()
        return tuple(targets)


def _effect_of(tid: str) -> str:
    t = technique(tid)
    return t.effect if t is not None else "none"
