"""The IT department's own recovery plan: what happens when nobody in the crisis room steers it.

Real hospitals recover in weeks even when their crisis management is poor (Scripps
EHR after 26 days, CHSF about two months, HSE 95 % after 13 weeks): the IT department
works its plan (PCRI) on its own, slower and in its own order. Here:

- it starts `it_plan_start_minutes` after the hospital knows something is wrong
  (the on-call technician first believes in an outage, then calls the managers);
- it investigates an intrusion itself (`eradicate` at `it_alone_factor` times the
  duration: no forensic team) unless the cell ordered the investigation first, and
  calls an outside responder itself if that drags on past `it_plan_help_days`;
- it then restores each damaged asset from the newest intact backup, or rebuilds
  it, one job per free technician, within each backup's parallel restore streams,
  in its own order (infrastructure tier, then file order) unless the cell set
  priorities (`prioritise`): the services (or assets) named first, with what they
  run on, then the rest;
- once the intrusion is eradicated it lifts the containment still in force:
  reconnects isolated zones and assets, restarts what was stopped or taken offline,
  takes over what a third party switched off (a provider's middleware) only after
  `it_plan_takeover_days`, and reopens the internet and remote access once the
  directory is back, `it_plan_reopen_hours` later.

Everything it does goes through `Exercise.submit` with source `it-plan`, so the room,
the journal and the conditions see the same commands and jobs as the cell's own.
The cell's decisions change its pace (declaring the crisis recalls staff, outside
support adds technicians and speeds the investigation, a decryptor speeds restores,
offline backups spare rebuilds) and its order (`prioritise`, `eradicate` first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine import events as ev
from simulator.engine.commands import Act
from simulator.model.network import AssetKind

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise

SOURCE = "it-plan"
_INF = float("inf")


class ItRecovery:
    def __init__(self, ex: "Exercise"):
        self.ex = ex
        p = ex.params
        self.start_delay = float(p["it_plan_start_minutes"])
        self.reopen_after = float(p["it_plan_reopen_hours"]) * 60.0
        self.reconnect_after = float(p["it_plan_reconnect_hours"]) * 60.0
        self.reserve = int(p["it_plan_reserve"])
        self.takeover_after = float(p["it_plan_takeover_days"]) * 1440.0
        self.help_after = float(p["it_plan_help_days"]) * 1440.0
        self._help_scheduled = False
        self.enabled = float(p["it_plan_enabled"]) > 0
        self.started_at: float | None = None
        self.priorities: list[str] = []  # services or assets the cell put first, in the order given
        self._rank: dict[str, int] = {}
        self._pending = False
        self._scheduled = False
        self._reopen_at: float | None = None
        self._skip: set[str] = set()  # assets nothing can restore or rebuild now (retried on the next change)
        self._committed = 0  # technicians of the jobs this dispatch submitted

    # ------------------------------------------------------------ triggers

    def on_awareness(self) -> None:
        """The hospital knows something is wrong: the IT department will start its plan."""
        if not self.enabled or self._scheduled:
            return
        self._scheduled = True
        ex = self.ex
        ex.at(max(ex.now, 0.0) + self.start_delay, self._start)

    def _start(self) -> None:
        ex = self.ex
        self.started_at = ex.now
        ex.emit(ev.RecoveryStep(ex.now, "start", ""))
        self._dispatch()

    def poke(self) -> None:
        """Something that may let the plan move on happened (a job ended, staff came, an order changed)."""
        if self.started_at is None or self._pending:
            return
        self._pending = True
        ex = self.ex
        ex.at(ex.now, self._dispatch)

    def prioritise(self, target: str) -> None:
        """Put a service (with what it runs on) or an asset ahead of the rest of the plan."""
        if target in self.priorities:
            return
        self.priorities.append(target)
        model = self.ex.model
        i = len(self.priorities) - 1
        if target in model.services:
            members = set(model.hard_asset_dependencies(target))
            members.update(n.asset for n in model.services[target].needs if n.asset is not None)
        else:
            members = {target}
        for a in members:
            if a not in self._rank:
                self._rank[a] = i
        self._skip.clear()
        self.poke()

    def follow(self, order: str) -> None:
        """`pcri`: the recovery plan's clinical order (services by restore priority, those the
        recovery waits for); `it`: back to the IT department's own order."""
        self.priorities.clear()
        self._rank.clear()
        if order == "pcri":
            services = self.ex.model.services
            top = self.ex.params["recovery_priority_max"]
            ranked = sorted((spec.restore_priority, i, s) for i, (s, spec) in enumerate(services.items()) if spec.restore_priority <= top)
            for _p, _i, s in ranked:
                self.prioritise(s)
        self._skip.clear()
        self.poke()

    # ------------------------------------------------------------ the plan

    def _dispatch(self) -> None:
        self._pending = False
        ex = self.ex
        if self.started_at is None:
            return
        self._skip.clear()
        self._committed = 0
        intrusion = "intrusion" in ex.facts or "encryption" in ex.facts
        if intrusion and not ex.eradicated:
            if not ex.eradicating:
                self._submit("eradicate", "")
            self._call_for_help()
            return  # restores and reconnections wait for a clean base (ANSSI doctrine)
        # a day of checks before reconnecting: after the eradication, or after the plan's start when
        # there was no intrusion to clean up (a denial of service, a partner's outage)
        since = ex.facts.get("eradicated", self.started_at)
        if since is not None and ex.now < since + self.reconnect_after:
            ex.at(since + self.reconnect_after, self.poke)  # checks before reconnecting (idempotent poke)
        else:
            self._lift_containment()
        self._restore_damaged()

    def _call_for_help(self) -> None:
        """An investigation of its own that drags on: the IT department calls a responder itself."""
        ex = self.ex
        if ex.support_requested or self.started_at is None:
            return
        due = self.started_at + self.help_after
        if ex.now < due:
            if not self._help_scheduled:
                self._help_scheduled = True
                ex.at(due, self.poke)
            return
        spec = ex.actions.get("request-support")
        if spec is not None:
            self._submit("request-support", spec.default_choice or (spec.choices[0] if spec.choices else ""))

    def _free(self, need: int) -> bool:
        """Technicians for one more job of the plan, keeping `it_plan_reserve` free for the crisis room
        (jobs submitted in this dispatch hold theirs only once their process runs: counted here)."""
        staff = self.ex.staff
        return staff is None or need == 0 or staff.free() - self.reserve - self._committed >= need

    def _submit(self, action: str, target: str) -> bool:
        ex = self.ex
        spec = ex.actions.get(action)
        need = spec.staff if spec is not None and ex.staff is not None else 0
        if spec is None or not self._free(need):
            return False
        ok = ex.submit(Act(action, target), source=SOURCE).accepted
        if ok:
            self._committed += need
        return ok

    def _busy(self) -> set[str]:
        return {j.asset or j.target for j in self.ex.jobs if j.finished_at is None}

    def _lift_containment(self) -> None:
        ex = self.ex
        st = ex.state
        model = ex.model
        busy = self._busy()
        world = {
            rec.target for rec in ex.actions_taken.get("take-offline", ()) if rec.source.startswith("inject:")
        }
        for z in sorted(st.isolated_zones, key=list(model.zones).index):
            if f"zone:{z}" not in busy and not self._third_party_zone(z):
                self._submit("reconnect", f"zone:{z}")
        remote = set(ex.remote_assets)
        for a in model.assets:
            s = st.status(a)
            if s.encrypted or a in remote:
                continue
            external = model.assets[a].kind == AssetKind.third_party_link
            if external and a not in ex.stopped_by_attacker:
                continue  # cutting or reopening a partner's link is the cell's call
            target = "asset:" + a
            if target in busy or a in busy:
                continue
            if s.isolated and not external and model.asset_zone[a] not in st.isolated_zones:
                self._submit("reconnect", target)
            elif s.offline and target not in world and not external:
                self._submit("bring-online", target)
            elif s.offline and self.started_at is not None:
                # a third party switched it off (a provider's middleware, the far end of a link the attack
                # stopped): the IT department gets it back with the provider or its vendor in the end
                # (the cell can order it sooner)
                due = self.started_at + self.takeover_after
                if ex.now >= due:
                    self._submit("bring-online", target)
                else:
                    ex.at(due, self.poke)
        ad_up = "ad" not in model.services or st._level.get("ad", 0) == 0
        if not ad_up:
            self._reopen_at = None
            return
        if st.internet_cut or ex.remote_access_disabled:
            if self._reopen_at is None:
                self._reopen_at = ex.now + self.reopen_after
                ex.at(self._reopen_at, self.poke)
            if ex.now >= self._reopen_at:
                if st.internet_cut and "restore-internet" not in busy:
                    self._submit("restore-internet", "")
                if ex.remote_access_disabled and "enable-remote-access" not in busy:
                    self._submit("enable-remote-access", "")

    def _third_party_zone(self, zone: str) -> bool:
        members = self.ex.model.zone_assets[zone]
        return bool(members) and all(self.ex.model.assets[a].kind == AssetKind.third_party_link for a in members)

    def order(self) -> list[str]:
        """Damaged assets (encrypted, or a destroyed backup) in the order the plan takes them."""
        ex = self.ex
        st = ex.state
        damaged = [a for a in ex.encrypted_now if st.status(a).encrypted or a in ex.destroyed_backups]
        rank, tier, pos = self._rank, ex.model.assets, ex.asset_order
        damaged.sort(key=lambda a: (rank.get(a, len(self.priorities)), tier[a].tier, pos[a]))
        return damaged

    def _restore_damaged(self) -> None:
        ex = self.ex
        busy = self._busy()
        resp = ex.response
        for a in self.order():
            if a in busy or a in self._skip:
                continue
            backup, why = resp.restorable(a)
            if backup is None and why == "busy":
                continue  # its backup's streams are all in use: the next restore's end pokes the plan
            action = "restore" if backup is not None else "rebuild"
            spec = ex.actions[action]
            if not self._free(spec.staff if ex.staff is not None else 0):
                return  # everyone is busy: the next job's end pokes the plan again
            if not self._submit(action, "asset:" + a):
                self._skip.add(a)

    def summary(self) -> dict:
        return {
            "started_at": self.started_at,
            "priorities": list(self.priorities),
        }
