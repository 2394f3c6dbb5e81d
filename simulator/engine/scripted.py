"""What the scenario and the policy script: decisions (presented, extended, decided, defaulted),
injects fired, and policy rules with their placeholders (@containable-zone...) expanded.

Kept apart from `exercise.py` (the exercise's state, commands and events): the Exercise
inherits these methods and they read its state.
"""

from __future__ import annotations

from simulator.engine import events as ev
from simulator.engine.commands import Act, Decide, Extend
from simulator.engine.records import InboxItem, PendingDecision, Result
from simulator.engine.response import Refused
from simulator.hospital.graph import DOWN


class ScriptedFlow:
    """The scripted half of an Exercise (mixed into it; `self` is the Exercise)."""

    # ================================================================ decisions and injects

    def present_decision(self, did: str) -> None:
        if self.ended or did in self.pending or did in self.decisions_made:
            return
        d = self.decisions[did]
        pd = PendingDecision(did, self.now, self.now + d.deadline, tuple(d.to), d.pause_clock)
        self.pending[did] = pd
        self.inbox.append(InboxItem(self.now, "decision", did, "decision", "", tuple(d.to), "", d.prompt.get(self.lang)))
        self.emit(ev.DecisionPresented(self.now, did, pd.deadline))
        self.at(pd.deadline, lambda: self._deadline(did))
        option = self._policy_option(d)
        if option is not None:
            self.at(self.now + self.policy.decision_delay, lambda: self._policy_decide(did, option))

    def _policy_option(self, d) -> str | None:
        """The option the headless policy picks at once: listed in its `decisions`, else the recommended one if it follows them."""
        if self.policy is None:
            return None
        if d.id in self.policy.decisions:
            return self.policy.decisions[d.id]
        return d.recommended if self.policy.follow_recommended else None

    def _policy_decide(self, did: str, option: str) -> None:
        if did in self.pending:
            self.submit(Decide(did, option), source="policy")

    def _deadline(self, did: str) -> None:
        pd = self.pending.get(did)
        if pd is not None and self.now >= pd.deadline - 1e-9:  # not an extended one's former deadline
            from simulator.engine.consistency import CONSISTENT, consistent_option

            option = consistent_option(self, did)  # the default would contradict what the cell did
            self._settle(did, option or self.decisions[did].default, CONSISTENT if option else "default")

    def _extend(self, did: str, minutes: float, source: str) -> Result:
        self._check_extend(did, minutes)
        pd = self.pending[did]
        pd.deadline = max(pd.deadline, self.now) + minutes
        self.emit(ev.DecisionExtended(self.now, did, pd.deadline, source))
        self.at(pd.deadline, lambda: self._deadline(did))
        return Result(True, Extend(did, minutes).text())

    def _check_extend(self, did: str, minutes: float) -> None:
        if did not in self.pending:
            if did in self.decisions:
                raise Refused("decision-not-open", f"decision '{did}' is not open", decision=did)
            raise Refused("unknown-decision", f"unknown decision '{did}'", decision=did)
        if not 0 < minutes <= 24 * 60:
            raise Refused("extend-range", "give between 1m and 24h more")

    def _decide(self, did: str, option: str, source: str) -> Result:
        self._check_decide(did, option)
        self._settle(did, option, source)
        return Result(True, f"decide {did} {option}")

    def _check_decide(self, did: str, option: str) -> None:
        if did not in self.decisions:
            raise Refused("unknown-decision", f"unknown decision '{did}'", decision=did)
        if did in self.decisions_made:
            taken = self.decisions_made[did][0]
            raise Refused("decision-taken", f"decision '{did}' was already taken ({taken})", decision=did, option=taken)
        if did not in self.pending:
            raise Refused("decision-not-presented", f"decision '{did}' has not been put to the cell yet", decision=did)
        options = [o.id for o in self.decisions[did].options]
        if option not in options:
            raise Refused(
                "unknown-option", f"decision '{did}' has no option '{option}' (options: {', '.join(options)})",
                decision=did, option=option, options=options,
            )

    def _settle(self, did: str, option: str, by: str) -> None:
        self.pending.pop(did, None)
        self.decisions_made[did] = (option, self.now, by)
        self.emit(ev.DecisionMade(self.now, did, option, by))
        opt = next(o for o in self.decisions[did].options if o.id == option)
        effects = opt.effects
        if by == "consistent":  # the cell did it: its actions are not run again nor for it
            from simulator.engine.consistency import consistent_effects

            effects = consistent_effects(effects)
        self._effects(effects, f"decision:{did}")

    def _effects(self, effects, source: str) -> None:
        for eff in effects:
            if eff.action is not None:
                self.submit(Act(eff.action, eff.target or "", eff.count or 0), source=source)
            elif eff.flag is not None:
                self.flags[eff.flag] = eff.value
                self.emit(ev.FlagSet(self.now, eff.flag, eff.value))
            elif eff.inject is not None and eff.inject not in self.fired:
                self.fire_inject(eff.inject, source)
            elif eff.fact is not None:
                self.told(eff.fact, source)

    def fire_inject(self, iid: str, trigger: str) -> None:
        if iid in self.fired or (self.ended and trigger in ("time", "after")):
            return
        inj = self.injects[iid]
        self.fired[iid] = self.now
        sender = ""
        if inj.from_ is not None:
            persona = next((p for p in self.scenario.personas if p.id == inj.from_), None)
            sender = persona.name.get(self.lang) if persona else inj.from_
        self.inbox.append(
            InboxItem(
                self.now, "inject", iid, inj.channel, sender, tuple(inj.to),
                inj.title.get(self.lang) if inj.title else "", inj.text.get(self.lang), inj.noise, inj.contingency,
            )
        )
        self.emit(ev.InjectFired(self.now, iid, inj.channel, inj.from_ or "", tuple(inj.to), trigger))
        self._effects(inj.effects, f"inject:{iid}")
        if self.programme.followers:
            self.programme.fired(iid)

    # ================================================================ policy rules

    def _run_rule(self, rule) -> None:
        for text in rule.do:
            for expanded in self._expand(text):
                self.submit(expanded, source=f"policy:{rule.id}")

    def _expand(self, text: str) -> list[str]:
        if "@" not in text:
            return [text]
        if "@containable-zone" in text:
            # the zone of the first detection, unless isolating it would stop what care needs most
            # (the recovery services): exfiltration seen on the EHR database is contained by cutting
            # the internet and resetting credentials, not by switching the server VLAN off (CHU Rennes)
            a = self.first_detected_asset
            if a is None:
                return []
            zone = self.model.asset_zone[a]
            members = set(self.model.zone_assets[zone])
            if any(members & self.model.hard_asset_dependencies(s) for s in self.recovery_services if s in self.model.services):
                return []
            return [text.replace("zone:@containable-zone", "@containable-zone").replace("@containable-zone", "zone:" + zone)]
        if "@detected-zone" in text or "@detected-asset" in text:
            a = self.first_detected_asset
            if a is None:
                return []
            text = text.replace("zone:@detected-zone", "@detected-zone").replace("asset:@detected-asset", "@detected-asset")
            text = text.replace("@detected-zone", "zone:" + self.model.asset_zone[a]).replace("@detected-asset", "asset:" + a)
            return [text]
        if "@encrypted" in text:
            busy = {j.asset for j in self.jobs if j.finished_at is None and j.asset}
            assets = [
                a for a in self.model.assets
                if (self.state.status(a).encrypted or a in self.destroyed_backups) and a not in busy
            ]
            assets.sort(key=lambda a: (self.model.assets[a].tier, self.asset_order[a]))
            return [text.replace("asset:@encrypted", "@encrypted").replace("@encrypted", "asset:" + a) for a in assets]
        if "@isolated" in text:
            zones = sorted(self.state.isolated_zones, key=list(self.model.zones).index)
            members = {a for z in zones for a in self.model.zone_assets[z]}
            loose = [a for a in self.model.assets if a not in members and self.state.status(a).isolated]
            targets = [f"zone:{z}" for z in zones] + [f"asset:{a}" for a in loose]
            return [text.replace("zone:@isolated", "@isolated").replace("asset:@isolated", "@isolated").replace("@isolated", t) for t in targets]
        if "@offline" in text:
            remote = set(self.remote_assets)  # remote access comes back with enable-remote-access
            status = self.state.status  # encrypted ones come back through restore or rebuild
            # what the scenario's world took away (a provider shutting its middleware down) is not the hospital's to restart
            world = {r.target[6:] for r in self.actions_taken.get("take-offline", ()) if r.source.startswith("inject:")}
            targets = [a for a in self.model.assets if a not in remote and a not in world and status(a).offline and not status(a).encrypted]
            return [text.replace("asset:@offline", "@offline").replace("@offline", "asset:" + a) for a in targets]
        if "@stopped" in text:
            targets = [a for a in self.model.assets if a in self.stopped_by_attacker and self.state.status(a).offline]
            return [text.replace("asset:@stopped", "@stopped").replace("@stopped", "asset:" + a) for a in targets]
        if "@aid-functions" in text:
            # functions down that other establishments can help and nobody asked yet
            flows = self.clinical.flows
            return [
                text.replace("function:@aid-functions", "@aid-functions").replace("@aid-functions", "function:" + f)
                for f in self.model.functions
                if flows[f].aid_share > 0 and flows[f].aid_from is None and self.state._level.get(f, 0) == DOWN
            ]
        if "@recovered-functions" in text:
            # paper procedures of the functions whose IT is back; the others keep theirs
            flows = self.clinical.flows
            return [
                text.replace("function:@recovered-functions", "@recovered-functions").replace("@recovered-functions", "function:" + f)
                for f in self.model.functions
                if flows[f].paper_at is not None and self.state._level.get(f, 0) == 0
            ]
        if "@down-functions" in text:
            return [
                text.replace("function:@down-functions", "@down-functions").replace("@down-functions", "function:" + f)
                for f in self.model.functions
                if self.state._level.get(f, 0) == DOWN
            ]
        return [text]
