"""Detection: each finished stage may raise an alert; someone must be watching to notice it.

Chance of an alert: 1 - (1 - base) x prod(1 - extra_c x presence_c) over the
controls present (EDR on the machines touched, a SIEM, MFA, blocking
antivirus). A raised alert is noticed `alert_notice_minutes` later if the SIEM
is watched at that hour, else when the next watch starts (nights and weekends
matter). False positives arrive at `false_positives_per_day` from T+0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine import events as ev
from simulator.model.network import SiemHours

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise

SILENT_EFFECTS = frozenset({"encryption", "destruction", "defacement"})  # noticed through symptoms instead


class Detection:
    def __init__(self, ex: "Exercise"):
        self.ex = ex
        self.rng = ex.streams["detection"]
        self.noise_rng = ex.streams["noise"]
        net = ex.model.network
        self.controls = net.controls
        p = ex.params
        hours = self.controls.siem_hours
        if hours == SiemHours.always:
            self.watch = None
        elif hours == SiemHours.extended:
            self.watch = (p["siem_extended_start_hour"], p["siem_extended_end_hour"], True)
        else:
            # business hours; with no SIEM someone still reads the EDR console on working days
            self.watch = (p["siem_business_start_hour"], p["siem_business_end_hour"], False)
        self.count = 0

    def watched(self, t: float) -> bool:
        if self.watch is None:
            return True
        start, end, weekends = self.watch
        cal = self.ex.calendar
        if not weekends and cal.is_weekend(t):
            return False
        h = cal.hour(t)
        return start <= h < end

    def notice_time(self, t: float) -> float:
        """When an alert raised at t is seen by someone."""
        delay = self.ex.params["alert_notice_minutes"]
        if self.watched(t):
            return t + delay
        probe = t
        for _ in range(8 * 2):  # at most a long weekend of half-day hops
            probe = self.ex.calendar.next_hour_mark(probe, (float(self.watch[0]),))  # type: ignore[index]
            if self.watched(probe):
                return probe + delay
        return probe + delay

    def chance(self, effect: str, targets: tuple[str, ...], detect) -> float:
        p = self.ex.params
        model = self.ex.model
        if detect is not None:
            base, extra = detect.base, detect.with_
        else:
            base = p["detect_base_default"]
            extra = {"edr": p["detect_edr_default"], "siem": p["detect_siem_default"]}
        miss = 1.0 - base
        if "edr" in extra and targets:
            cov = self.controls.edr_coverage
            shares = []
            for a in targets:
                own = model.assets[a].controls.edr if a in model.assets else None
                shares.append(1.0 if own else 0.0 if own is False else cov)
            presence = sum(shares) / len(shares)
            if self.ex.attacker.evasion:
                presence *= p["evasion_factor"]
            miss *= 1.0 - extra["edr"] * presence
        if "siem" in extra and self.controls.siem_hours != SiemHours.none:
            miss *= 1.0 - extra["siem"]
        if "mfa" in extra and (self.controls.mfa_privileged or self.controls.mfa_remote_access):
            miss *= 1.0 - extra["mfa"]
        if "av" in extra and self.controls.av_blocking:
            miss *= 1.0 - extra["av"]
        return 1.0 - miss

    def stage_done(self, sid: str, tech: str, effect: str, targets: tuple[str, ...], detect) -> None:
        ex = self.ex
        if effect == "evasion":
            ex.attacker.evasion = True
        if effect in SILENT_EFFECTS:
            return
        roll = self.rng.random()
        if roll >= self.chance(effect, targets, detect):
            return
        self.count += 1
        asset = targets[0] if targets else ""
        alert = f"A{self.count}"
        now = ex.env.now
        ex.emit(ev.AlertRaised(now, alert, sid, tech, asset))
        # alerts of the dwell time sit unread in a console until the exercise opens (the scenario's premise)
        seen = self.notice_time(max(now, 0.0))
        ex.at(seen, lambda: ex.alert_noticed(alert, sid, tech, asset, effect))

    def noise(self):
        """False positives: alerts that lead nowhere (players cannot tell them apart)."""
        env = self.ex.env
        rate = self.ex.params["false_positives_per_day"]
        if rate <= 0:
            return
        if env.now < 0:
            yield env.timeout(-env.now)
        n = 0
        assets = list(self.ex.model.assets)
        while True:
            yield env.timeout(self.noise_rng.expovariate(rate / 1440.0))
            n += 1
            asset = assets[self.noise_rng.randrange(len(assets))]
            self.ex.false_alert(f"F{n}", asset)
