"""Response actions: for each, a check (refusal reason or None), a duration and an effect.

Checks never raise on bad input: they return the reason the room reads
("restore impossible: no intact backup (online backups destroyed at T+...)").
Numbers come from the action catalogue (simulator/data/actions.yaml).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine import events as ev
from simulator.engine.refusals import Refused
from simulator.engine.rng import sample
from simulator.model.duration import format_offset
from simulator.model.network import AssetKind
from simulator.model.targets import Target

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise

CONTAINMENT = frozenset({"isolate", "cut-internet", "disable-remote-access", "reset-credentials", "take-offline"})


class Unit:
    """One piece of work an accepted command becomes (a restore of one asset...)."""

    __slots__ = ("asset", "minutes", "detail", "backup", "supported")

    def __init__(self, asset: str = "", minutes: float = 0.0, detail: str = "", backup: str = "", supported: bool = False):
        self.asset = asset
        self.minutes = minutes
        self.detail = detail
        self.backup = backup  # a restore's source (its parallel streams)
        self.supported = supported  # outside support already in the duration




class Response:
    """Checks and effects of every response action, bound to one exercise."""

    def __init__(self, ex: "Exercise"):
        self.ex = ex
        self.source = "cell"  # who asks for the command being planned (set by Exercise._act)
        self.streams: dict[str, int] = {}  # restores running from each backup
        self.dry: str | None = None  # "mean" / "upper": plan without drawing (estimates, would_refuse)
        self.skipped: list | None = None  # an estimate's list of the target's assets a plan leaves out (why)

    # ---------------------------------------------------------------- helpers

    def rng(self, action: str):
        return self.ex.streams["action:" + action]

    def base_minutes(self, action: str, asset: str = "") -> float:
        """A sampled duration. Work on one asset (a restore or a rebuild) draws from that asset's own
        stream: the order assets are worked in (priorities, another variant) never changes it, and
        the same asset is as lucky restored as rebuilt (paired comparisons of variants stay paired).
        A dry plan takes the distribution's mean or upper bound and touches no stream."""
        if self.dry is not None:
            delay = self.ex.actions[action].duration
            return float(delay.mean() if self.dry == "mean" else delay.upper())
        rng = self.ex.streams["work:" + asset] if asset else self.rng(action)
        return sample(self.ex.actions[action].duration, rng)

    def param(self, action: str, name: str) -> float:
        return float(self.ex.actions[action].params[name])

    def assets_of(self, target: Target) -> list[str]:
        m = self.ex.model
        if target.kind == "asset":
            return [target.id]
        if target.kind == "zone":
            return list(m.zone_assets[target.id])
        if target.kind == "service":
            # what the service needs to be fully up: its hard closure and its own soft assets (a second DC)
            deps = set(m.hard_asset_dependencies(target.id))
            deps.update(n.asset for n in m.services[target.id].needs if n.asset is not None)
            return [a for a in m.assets if a in deps]
        return []

    def functions_of(self, target: Target) -> list[str]:
        if target.kind == "all":
            return list(self.ex.model.functions)
        return [target.id]

    def _need_eradication(self, action: str) -> None:
        if self.param(action, "requires_eradication") and not self.ex.eradicated:
            if self.ex.eradicating:
                raise Refused("eradication-running", f"{action} refused: eradication still running (restoring on a compromised base invites re-encryption)", action=action)
            raise Refused("before-eradication", f"{action} refused: the attacker has not been eradicated yet (run 'eradicate' first: ANSSI doctrine, restore on a clean base)", action=action)

    def _damaged(self, a: str) -> bool:
        st = self.ex.state.status(a)
        return st.encrypted > 0 or a in self.ex.destroyed_backups

    # ---------------------------------------------------------------- checks -> units

    def plan(self, action: str, target: Target, count: int) -> list[Unit]:
        """Units of work for an accepted command, or Refused with the reason."""
        method = getattr(self, "plan_" + action.replace("-", "_"), None)
        if method is None:
            raise Refused("no-effect", f"'{action}' has no effect in this engine", action=action)
        return method(target, count)

    def plan_isolate(self, target: Target, count: int) -> list[Unit]:
        st = self.ex.state
        if target.kind == "zone":
            if target.id in st.isolated_zones:
                raise Refused("zone-isolated", f"zone '{target.id}' is already isolated", zone=target.id)
        elif st.status(target.id).isolated:
            raise Refused("already-isolated", f"'{target.id}' is already isolated", target=target.text())
        return [Unit(minutes=self.base_minutes("isolate"))]

    def plan_reconnect(self, target: Target, count: int) -> list[Unit]:
        st = self.ex.state
        if target.kind == "zone":
            if target.id not in st.isolated_zones:
                raise Refused("zone-not-isolated", f"zone '{target.id}' is not isolated", zone=target.id)
        elif not st.status(target.id).isolated:
            raise Refused("not-isolated", f"'{target.id}' is not isolated", target=target.text())
        return [Unit(minutes=self.base_minutes("reconnect"))]

    def plan_cut_internet(self, target: Target, count: int) -> list[Unit]:
        if self.ex.state.internet_cut:
            raise Refused("internet-cut", "internet access is already cut")
        return [Unit(minutes=self.base_minutes("cut-internet"))]

    def plan_restore_internet(self, target: Target, count: int) -> list[Unit]:
        if not self.ex.state.internet_cut:
            raise Refused("internet-not-cut", "internet access is not cut")
        return [Unit(minutes=self.base_minutes("restore-internet"))]

    def plan_disable_remote_access(self, target: Target, count: int) -> list[Unit]:
        if self.ex.remote_access_disabled:
            raise Refused("remote-disabled", "remote access is already disabled")
        if not self.ex.remote_assets:
            raise Refused("no-remote-access", "this network has no remote-access asset")
        return [Unit(minutes=self.base_minutes("disable-remote-access"))]

    def plan_enable_remote_access(self, target: Target, count: int) -> list[Unit]:
        if not self.ex.remote_access_disabled:
            raise Refused("remote-not-disabled", "remote access is not disabled")
        return [Unit(minutes=self.base_minutes("enable-remote-access"))]

    def plan_reset_credentials(self, target: Target, count: int) -> list[Unit]:
        ex = self.ex
        if self.param("reset-credentials", "needs_ad_up") and "ad" in ex.model.services and ex.state._level.get("ad", 0) == 2:
            raise Refused("ad-down", "reset impossible: Active Directory is down (restore or rebuild it first)")
        return [Unit(minutes=self.base_minutes("reset-credentials"))]

    def plan_take_offline(self, target: Target, count: int) -> list[Unit]:
        if self.ex.state.status(target.id).offline:
            raise Refused("already-offline", f"'{target.id}' is already offline", target=target.text())
        return [Unit(minutes=self.base_minutes("take-offline"))]

    def plan_bring_online(self, target: Target, count: int) -> list[Unit]:
        st = self.ex.state.status(target.id)
        if not st.offline:
            raise Refused("not-offline", f"'{target.id}' is not offline", target=target.text())
        if st.encrypted:
            raise Refused("encrypted-offline", f"'{target.id}' is encrypted: restore or rebuild it", target=target.text())
        return [Unit(minutes=self.base_minutes("bring-online"))]

    def plan_eradicate(self, target: Target, count: int) -> list[Unit]:
        ex = self.ex
        if ex.eradicated:
            raise Refused("eradicated", "eradication is already done")
        running = next((j for j in ex.jobs if j.action == "eradicate" and j.finished_at is None), None)
        if running is not None:
            # the IT department's own investigation: the cell takes it over and it goes at its pace
            if self.source.startswith("it-plan") or not running.source.startswith("it-plan") or running.steered:
                raise Refused("eradicating", "eradication is already running")
            if running.started_at is None:
                raise Refused("investigation-waiting", "the IT department's investigation is waiting for two free technicians; it starts as soon as they are")
            left = max(0.0, running.started_at + running.duration - ex.env.now)
            return [Unit(minutes=left * self.steer_factor(running), detail="takeover")]
        if ex.eradicating:
            raise Refused("eradicating", "eradication is already running")
        minutes = self.base_minutes("eradicate")
        if ex.support_arrived:
            minutes *= self.param("eradicate", "support_factor")
        elif self.source.startswith("it-plan"):
            minutes *= self.param("eradicate", "it_alone_factor")  # no forensic team: slower
        return [Unit(minutes=minutes, supported=bool(ex.support_arrived))]

    def investigation_factor(self, job) -> float:
        """How much faster an investigation still running goes once outside support is there."""
        return self.param("eradicate", "support_factor") * self.steer_factor(job)

    def steer_factor(self, job) -> float:
        """The IT department's own investigation, once steered (by the cell or outside support), loses its slowness."""
        if job.source.startswith("it-plan") and not job.steered and not job.supported:
            return 1.0 / self.param("eradicate", "it_alone_factor")
        return 1.0

    def _busy_assets(self) -> set[str]:
        return {j.asset for j in self.ex.jobs if j.finished_at is None and j.asset}

    def plan_restore(self, target: Target, count: int) -> list[Unit]:
        ex = self.ex
        assets = [a for a in self.assets_of(target) if self._damaged(a)]
        if not assets:
            raise Refused("nothing-to-restore", f"nothing to restore: {target.text()} is not encrypted", target=target.text())
        self._need_eradication("restore")
        busy = self._busy_assets()
        units, reasons, items = [], [], []
        for a in assets:
            if a in busy:
                reasons.append(f"'{a}' is already being worked on")
                items.append({"code": "asset-busy", "params": {"asset": a}})
                continue
            intact, why = self._intact_backups(a)
            if not intact:
                reasons.append(f"restore impossible for '{a}': {why}")
                items.append(self._no_backup_item(a))
                continue
            backup = next((b for b in intact if self._stream_free(b, units)), None)
            if backup is None:
                b0 = intact[0]
                n = ex.model.backups[b0].parallel_restores
                reasons.append(f"'{a}': the {n} restore stream(s) of '{b0}' are all in use (try again when one ends)")
                items.append({"code": "streams-busy", "params": {"asset": a, "backup": b0, "streams": n}})
                continue
            info = ex.model.backups[backup]
            hours = self._machine_hours(a, info.restore_hours_per_asset) * self.param("restore", "hours_factor")
            if ex.decryptor:
                hours *= self.param("restore", "decryptor_factor")
            units.append(Unit(a, self.base_minutes("restore", a) + hours * 60.0, f"from {backup}", backup=backup))
        if not units:
            raise Refused("restore-impossible", "; ".join(reasons), items=items)
        if self.skipped is not None:
            self.skipped.extend(items)
        return units

    def _no_backup_item(self, a: str) -> dict:
        """Why no intact backup can restore `a`, as a refusal item (code and params)."""
        ex = self.ex
        candidates = ex.model.backups_for(a)
        if not candidates:
            return {"code": "no-backup", "params": {"asset": a}}
        destroyed = sorted(ex.destroyed_backups[b] for b in candidates if b in ex.destroyed_backups)
        if destroyed:
            return {"code": "backups-destroyed", "params": {"asset": a, "destroyed_at": destroyed[0]}}
        return {"code": "backups-encrypted", "params": {"asset": a}}

    def _machine_hours(self, a: str, per_asset_hours: float) -> float:
        asset = self.ex.model.assets[a]
        if asset.kind == AssetKind.workstations and asset.count > 1:
            return asset.count / self.ex.params["workstation_machines_per_hour"]
        return per_asset_hours

    def take_stream(self, unit: Unit) -> None:
        """A restore holds one of its backup's streams from the moment it is accepted (queued or running)."""
        if unit.backup:
            self.streams[unit.backup] = self.streams.get(unit.backup, 0) + 1

    def _stream_free(self, backup: str, planned=()) -> bool:
        taken = sum(1 for u in planned if u.backup == backup)
        return self.streams.get(backup, 0) + taken < self.ex.model.backups[backup].parallel_restores

    def restorable(self, a: str) -> tuple[str | None, str]:
        """For the IT plan: (backup, "") to restore `a` from now, (None, "busy") when its intact
        backups' streams are all in use (wait), (None, why) when none is intact (rebuild)."""
        intact, why = self._intact_backups(a)
        if not intact:
            return None, why
        backup = next((b for b in intact if self._stream_free(b)), None)
        return (backup, "") if backup is not None else (None, "busy")

    def _intact_backups(self, a: str) -> tuple[list[str], str]:
        """Intact backups able to restore `a`, newest copy first; else why none."""
        ex = self.ex
        candidates = ex.model.backups_for(a)
        if not candidates:
            return [], "no backup protects it"
        intact = [b for b in candidates if b not in ex.destroyed_backups and not ex.state.status(b).encrypted]
        if not intact:
            destroyed = sorted(ex.destroyed_backups[b] for b in candidates if b in ex.destroyed_backups)
            when = f" (online backups destroyed at {format_offset(destroyed[0])})" if destroyed else " (backups encrypted)"
            return [], "no intact backup" + when
        intact.sort(key=lambda b: (ex.model.backups[b].age_hours, ex.asset_order[b]))
        return intact, ""

    def plan_rebuild(self, target: Target, count: int) -> list[Unit]:
        ex = self.ex
        assets = [a for a in self.assets_of(target) if self._damaged(a)]
        if not assets:
            raise Refused("nothing-to-rebuild", f"nothing to rebuild: {target.text()} is not encrypted or destroyed", target=target.text())
        self._need_eradication("rebuild")
        busy = self._busy_assets()
        free = [a for a in assets if a not in busy]
        if not free:
            raise Refused("rebuild-busy", f"{target.text()}: already being restored or rebuilt", target=target.text())
        if self.skipped is not None:
            self.skipped.extend({"code": "asset-busy", "params": {"asset": a}} for a in assets if a in busy)
        if target.kind == "service":
            hours = ex.model.services[target.id].rebuild_hours / len(free)
            return [Unit(a, self.base_minutes("rebuild", a) + self._machine_hours(a, hours) * 60.0, f"rebuild of {target.id}") for a in free]
        per = self.param("rebuild", "asset_hours")
        return [Unit(a, self.base_minutes("rebuild", a) + self._machine_hours(a, per) * 60.0, "rebuild") for a in free]

    def plan_degraded_mode(self, target: Target, count: int) -> list[Unit]:
        flows = self.ex.clinical.flows
        todo = [f for f in self.functions_of(target) if flows[f].paper_at is None]
        if not todo:
            raise Refused("degraded-active", f"degraded mode is already active for {target.text()}", target=target.text())
        return [Unit(detail=",".join(todo))]

    def plan_normal_mode(self, target: Target, count: int) -> list[Unit]:
        flows = self.ex.clinical.flows
        todo = [f for f in self.functions_of(target) if flows[f].paper_at is not None]
        if not todo:
            raise Refused("not-degraded", f"{target.text()} is not in degraded mode", target=target.text())
        return [Unit(detail=",".join(todo))]

    def plan_divert(self, target: Target, count: int) -> list[Unit]:
        on = target.id == "on"
        if self.ex.clinical.diverting == on and not self.ex.divert_pending:
            raise Refused("diverted", "ambulances are already diverted") if on else Refused("not-diverted", "ambulances are not being diverted")
        if on and self.ex.clinical.ed_id is None:
            raise Refused("no-ed", "no clinical function here can divert arrivals")
        return [Unit(minutes=self.base_minutes("divert"))]

    def plan_cancel_elective(self, target: Target, count: int) -> list[Unit]:
        flows = self.ex.clinical.flows
        todo = [f for f in self.functions_of(target) if flows[f].spec.elective and not flows[f].cancel_elective]
        if not todo:
            if target.kind == "function" and not flows[target.id].spec.elective:
                raise Refused("no-elective", f"'{target.id}' has no elective activity to cancel", function=target.id)
            raise Refused("elective-cancelled", f"elective activity is already cancelled for {target.text()}", target=target.text())
        return [Unit(minutes=self.base_minutes("cancel-elective"), detail=",".join(todo))]

    def plan_resume_elective(self, target: Target, count: int) -> list[Unit]:
        flows = self.ex.clinical.flows
        todo = [f for f in self.functions_of(target) if flows[f].cancel_elective]
        if not todo:
            raise Refused("elective-not-cancelled", f"no cancelled elective activity for {target.text()}", target=target.text())
        return [Unit(minutes=self.base_minutes("resume-elective"), detail=",".join(todo))]

    def plan_transfer(self, target: Target, count: int) -> list[Unit]:
        fl = self.ex.clinical.flows[target.id]
        if fl.waiting < 1:
            raise Refused("nobody-waiting", f"no patient waiting in '{target.id}' to transfer", function=target.id)
        return [Unit(minutes=self.base_minutes("transfer"))]

    def plan_notify(self, target: Target, count: int) -> list[Unit]:
        return [Unit(minutes=self.base_minutes("notify"))]

    def plan_communicate(self, target: Target, count: int) -> list[Unit]:
        return [Unit(minutes=self.base_minutes("communicate"))]

    def plan_request_support(self, target: Target, count: int) -> list[Unit]:
        if target.id in self.ex.support_requested:
            raise Refused("support-requested", f"support from '{target.id}' was already requested", target=target.text())
        return [Unit(minutes=self.base_minutes("request-support"))]

    def plan_pay_ransom(self, target: Target, count: int) -> list[Unit]:
        if "ransom-paid" in self.ex.facts or self.ex.ransom_pending:
            raise Refused("ransom-paid", "the ransom has already been paid")
        threat = self.ex.scenario.threat
        if threat is None:
            raise Refused("no-attacker", "there is no attacker in this exercise: no ransom to pay")
        if threat.actor.motivation != "extortion":
            raise Refused("no-ransom", "this attacker asks for no ransom")
        return [Unit(minutes=self.base_minutes("pay-ransom"))]

    def plan_prioritise(self, target: Target, count: int) -> list[Unit]:
        if target.id in self.ex.recovery.priorities:
            raise Refused("prioritised", f"'{target.id}' is already in the recovery priorities", target=target.text())
        return [Unit()]

    def plan_mutual_aid(self, target: Target, count: int) -> list[Unit]:
        flows = self.ex.clinical.flows
        todo = [f for f in self.functions_of(target) if flows[f].aid_share > 0 and flows[f].aid_from is None]
        if not todo:
            if target.kind == "function" and flows[target.id].aid_share <= 0:
                raise Refused("no-mutual-aid", f"no establishment around can take over part of '{target.id}' (no mutual_aid in the network)", function=target.id)
            raise Refused("mutual-aid-coming", f"mutual aid is already on its way for {target.text()}", target=target.text())
        return [Unit(detail=",".join(todo))]

    def plan_ars_rebalance(self, target: Target, count: int) -> list[Unit]:
        if self.ex.region.surge_at is not None:
            raise Refused("ars-coordinating", "the ARS already coordinates regional support")
        if not self.ex.region.neighbours:
            raise Refused("no-neighbours", "this network has no neighbouring hospitals")
        return [Unit(minutes=self.base_minutes("ars-rebalance"))]

    def plan_recovery_order(self, target: Target, count: int) -> list[Unit]:
        return [Unit()]

    def plan_declare_crisis(self, target: Target, count: int) -> list[Unit]:
        if "crisis-declared" in self.ex.facts:
            raise Refused("crisis-declared", "the crisis is already declared")
        return [Unit()]

    # ---------------------------------------------------------------- effects

    def start(self, action: str, target: Target, unit: Unit) -> None:
        """Side effects when the work begins (a restore takes the asset down)."""
        ex = self.ex
        if action in ("restore", "rebuild") and unit.asset:
            ex.apply(ex.state.start_restore(unit.asset))
            ex.asset_changed(unit.asset, action)
        elif action == "eradicate":
            if unit.detail == "takeover":
                ex.steer_investigation()
            else:
                ex.eradicating = True
        elif action == "pay-ransom":
            ex.ransom_pending = True
        elif action == "request-support":
            ex.support_requested.add(target.id)
        elif action == "divert":
            ex.divert_pending = True

    def finish(self, action: str, target: Target, unit: Unit, count: int) -> str:
        """Apply the effect; returns an outcome word for the record."""
        ex = self.ex
        st = ex.state
        now = ex.env.now
        if action == "isolate":
            for a in self.assets_of(target):
                ex.apply(st.isolate(a, True))
                ex.asset_changed(a, "isolate")
            if target.kind == "zone":
                st.isolate_zone(target.id, True)
                ex.isolated_by_zone[target.id] = True
        elif action == "reconnect":
            if target.kind == "zone":
                st.isolate_zone(target.id, False)
                ex.isolated_by_zone.pop(target.id, None)
            for a in self.assets_of(target):
                ex.apply(st.isolate(a, False))
                ex.asset_changed(a, "reconnect")
        elif action == "cut-internet":
            st.set_internet_cut(True)
            if "internet" in ex.model.services:
                ex.apply(st.set_down("internet", True))
        elif action == "restore-internet":
            st.set_internet_cut(False)
            if "internet" in ex.model.services:
                ex.apply(st.set_down("internet", False))
        elif action == "disable-remote-access":
            ex.remote_access_disabled = True
            for a in ex.remote_assets:
                ex.apply(st.set_offline(a, True))
                ex.asset_changed(a, "disable-remote-access")
        elif action == "enable-remote-access":
            ex.remote_access_disabled = False
            for a in ex.remote_assets:
                if not st.status(a).encrypted:
                    ex.apply(st.set_offline(a, False))
                    ex.asset_changed(a, "enable-remote-access")
        elif action == "reset-credentials":
            ex.attacker.reset_credentials(target.id)
        elif action == "take-offline":
            ex.apply(st.set_offline(target.id, True))
            ex.asset_changed(target.id, "take-offline")
        elif action == "bring-online":
            ex.stopped_by_attacker.discard(target.id)
            ex.apply(st.set_offline(target.id, False))
            ex.asset_changed(target.id, "bring-online")
        elif action == "eradicate" and unit.detail == "takeover":
            return "steered"  # the investigation's own job ends at the same time and does the rest
        elif action == "eradicate":
            ex.eradicating = False
            ex.eradicated = True
            ex.attacker.evict("eradication")
            for a in ex.model.assets:
                s = st.status(a)
                if s.compromised > s.encrypted or s.suspicious:
                    ex.apply(st.update(a, compromised=s.encrypted, suspicious=False))
            ex.set_fact("eradicated")
        elif action in ("restore", "rebuild"):
            a = unit.asset
            if unit.backup:
                self.streams[unit.backup] -= 1
            ex.apply(st.finish_restore(a))
            ex.destroyed_backups.pop(a, None)
            ex.encrypted_now.discard(a)
            if a in ex.remote_assets and ex.remote_access_disabled:
                ex.apply(st.set_offline(a, True))
            ex.asset_changed(a, action)
        elif action == "degraded-mode":
            for f in unit.detail.split(","):
                fl = ex.clinical.flows[f]
                fl.paper_requested = now
                fl.paper_at = now + fl.spec.degraded_mode.activation_delay
                ex.emit(ev.ClinicalChanged(now, f, "degraded-mode"))
        elif action == "normal-mode":
            for f in unit.detail.split(","):
                ex.clinical.flows[f].paper_at = None
                ex.emit(ev.ClinicalChanged(now, f, "normal-mode"))
        elif action == "divert":
            ex.divert_pending = False
            on = target.id == "on"
            ex.clinical.diverting = on
            ex.clinical.divert_fraction = self.param("divert", "divert_fraction") if on else 0.0
            if ex.clinical.ed_id:
                ex.emit(ev.ClinicalChanged(now, ex.clinical.ed_id, "divert-" + target.id))
        elif action == "cancel-elective":
            for f in unit.detail.split(","):
                ex.clinical.flows[f].cancel_elective = True
                ex.emit(ev.ClinicalChanged(now, f, "elective-cancelled"))
            ex.clinical.emergency_boost = self.param("cancel-elective", "emergency_boost")
        elif action == "resume-elective":
            for f in unit.detail.split(","):
                ex.clinical.flows[f].cancel_elective = False
                ex.emit(ev.ClinicalChanged(now, f, "elective-resumed"))
            if not any(fl.cancel_elective for fl in ex.clinical.flows.values()):
                ex.clinical.emergency_boost = 0.0
        elif action == "transfer":
            moved = ex.clinical.transfer(target.id, count)
            ex.emit(ev.ClinicalChanged(now, target.id, f"transferred {moved:.0f}"))
            return f"transferred {moved:.0f}"
        elif action == "notify":
            ex.notified(target.id)
        elif action == "communicate":
            if target.id == "press":
                ex.clinical.public = True
                ex.clinical.avoidance_factor = self.param("communicate", "press_avoidance_factor")
        elif action == "request-support":
            n = int(self.param("request-support", "technicians"))
            first = not ex.support_arrived
            ex.support_arrived.add(target.id)
            ex.technicians_add(n, f"support from {target.id}")
            if first:
                ex.speed_up_investigation()
        elif action == "prioritise":
            ex.recovery.prioritise(target.id)
        elif action == "recovery-order":
            ex.recovery.follow(target.id)
        elif action == "mutual-aid":
            for f in unit.detail.split(","):
                if ex.clinical.request_aid(f, now, "cell"):
                    ex.emit(ev.ClinicalChanged(now, f, "mutual-aid:cell"))
            ex.clinical.aid_requests.clear()
        elif action == "ars-rebalance":
            if ex.region.rebalance("cell") and ex.region.neighbours:
                ex.emit(ev.ClinicalChanged(now, ex.region.neighbours[0].spec.id, "ars-rebalance:cell"))
        elif action == "pay-ransom":
            ex.ransom_pending = False
            ex.set_fact("ransom-paid")
            ex.flags["ransom-paid"] = True
            if self.rng("pay-ransom").random() < self.param("pay-ransom", "decryptor_probability"):
                ex.decryptor = True
                return "decryptor received"
            return "no working decryptor"
        elif action == "declare-crisis":
            ex.declare_crisis()
        if action in CONTAINMENT:
            ex.attacker.on_defender_action()
        return "done"
