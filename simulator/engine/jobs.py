"""The IT team's jobs: an action's units of work, planned, staffed and finished.

An action (`restore ehr`, `isolate zone:servers`) becomes units of work (`Response.plan`); each
unit is a job. A job that needs technicians is a SimPy process that waits for them (the
staff resource, by priority) and holds them until its end; one that needs none ends at a
timed callback. Outside support or the cell taking over the investigation moves a running
job's end. Kept apart from `exercise.py` (the exercise's state, commands and events): the
Exercise inherits these methods and they read its state.
"""

from __future__ import annotations

from typing import Any, Callable

import simpy

from simulator.engine import events as ev
from simulator.engine.commands import Act
from simulator.engine.records import ActionRecord, Job, Result
from simulator.engine.response import Refused, Unit
from simulator.model.duration import format_offset
from simulator.model.targets import Target, resolve_target


def _queues(source: str) -> bool:
    """Whether a command from `source` may wait for busy technicians. A policy, a decision's or
    an inject's effect, or the IT department's own plan is work the IT team gets through; a
    command typed in the crisis room while everyone is busy is refused with the reason."""
    return source.startswith(("policy", "decision:", "inject:", "it-plan"))


class TechnicianJobs:
    """The jobs half of an Exercise (mixed into it; `self` is the Exercise)."""

    def _act(self, cmd: Act, source: str) -> Result:
        spec, target, units, need = self._plan_act(cmd, source)
        record = ActionRecord(self.now, cmd.action, target.text(), source)
        self.actions_taken.setdefault(cmd.action, []).append(record)
        remaining = [len(units)]
        for unit in units:
            self._start_job(cmd, need if self.staff is not None else 0, target, unit, record, remaining, source)
        detail = "; ".join(u.detail for u in units if u.detail and cmd.action in ("restore", "rebuild"))
        return Result(True, cmd.text(), detail=detail)

    def _plan_act(self, cmd: Act, source: str, dry: str | None = None) -> tuple[Any, Target, list[Unit], int]:
        """Every check of an action and its units of work, or Refused. `dry` ("mean" or
        "upper") plans without drawing from any random stream nor changing anything: the
        durations are the distributions' mean or upper bound (estimates, would_refuse)."""
        spec = self.actions.get(cmd.action)
        if spec is None:
            raise Refused("unknown-action", f"unknown action '{cmd.action}'", action=cmd.action)
        try:
            target = resolve_target(cmd.action, spec, cmd.target or None, self.index)
        except ValueError as exc:
            raise Refused(getattr(exc, "code", "bad-target"), str(exc), **getattr(exc, "params", {})) from None
        if target.kind == "token":
            raise Refused("placeholder", "placeholders (@...) are only for policies")
        if spec.target == "function-count" and cmd.count < 1:
            raise Refused("count-needed", f"{cmd.action}: give a number of patients", action=cmd.action)
        for j in self.jobs:
            if j.finished_at is None and j.action == cmd.action and j.target == target.text() and not j.asset:
                if not (cmd.action == "eradicate" and j.source.startswith("it-plan") and not source.startswith("it-plan")):
                    raise Refused("in-progress", f"'{cmd.text()}' is already in progress", action=cmd.action, target=target.text())
        response = self.response
        if dry is None:
            response.source = source
            units = response.plan(cmd.action, target, cmd.count)
        else:
            saved = response.source
            response.source, response.dry = source, dry
            try:
                units = response.plan(cmd.action, target, cmd.count)
            finally:
                response.source, response.dry = saved, None
        need = 0 if units and units[0].detail == "takeover" else spec.staff  # taking over keeps the same people on it
        if need and self.staff is not None and need > self.staff.on_duty and not self._more_staff_coming():
            raise Refused(
                "staff-short",
                f"staff busy: '{cmd.action}' needs {need} technician(s), {self.staff.on_duty} on duty"
                + ("" if "crisis-declared" in self.facts else " (declare the crisis to recall staff)"),
                action=cmd.action, needed=need, on_duty=self.staff.on_duty,
                **({} if "crisis-declared" in self.facts else {"hint": "declare-crisis"}),
            )
        if need and self.staff is not None and not _queues(source) and not self._more_staff_coming():
            free = self.staff.free()
            if free < need:
                raise self._staff_busy(cmd.action, need, free)
        return spec, target, units, need

    def _start_job(self, cmd: Act, staff: int, target: Target, unit: Unit, record: ActionRecord, remaining: list, source: str) -> None:
        job = Job(
            self._next_job, cmd.action, target.text(), staff, source, self.now, unit.minutes, asset=unit.asset, record=record,
            supported=unit.supported, backup=unit.backup,
        )
        self._next_job += 1
        self.jobs.append(job)
        self.response.take_stream(unit)

        def finish() -> None:
            outcome = self.response.finish(cmd.action, target, unit, cmd.count)
            job.finished_at = self.now
            job.outcome = outcome
            remaining[0] -= 1
            if remaining[0] == 0 and unit.detail != "takeover":
                record.done_at = self.now  # a takeover is done when the job it took over is
                for linked in job.linked:
                    if linked.record is not None:
                        linked.record.done_at = self.now
            self.emit(ev.JobFinished(self.now, job.id, job.action, unit.asset or job.target, outcome))
            self.recovery.poke()

        if staff == 0:
            job.started_at = self.now
            job.process = finish
            self.response.start(cmd.action, target, unit)
            if unit.minutes <= 0:
                finish()
            else:
                self.emit(ev.JobStarted(self.now, job.id, job.action, unit.asset or job.target, 0, self.now + job.duration))
                self._finish_job_at(job)
            return
        job.process = self.env.process(self._staffed_job(job, cmd, target, unit, finish))

    def _finish_job_at(self, job: Job) -> None:
        """An unstaffed job ends at its (possibly moved) end; an earlier schedule is void."""
        gen = job.gen
        finish = job.process
        self.at(job.started_at + job.duration, lambda: finish() if job.gen == gen and job.finished_at is None else None)

    def speed_up_investigation(self) -> None:
        """Outside support has arrived: a running investigation's remaining work goes faster."""
        for job in self.jobs:
            if job.action == "eradicate" and job.finished_at is None and not job.supported and job.record is not None:
                factor = self.response.investigation_factor(job)
                job.supported = True
                self._move_end(job, factor)

    def steer_investigation(self) -> None:
        """The cell takes over the IT department's own investigation: it loses its slowness."""
        for job in self.jobs:
            if job.action == "eradicate" and job.finished_at is None and job.source.startswith("it-plan") and not job.steered:
                factor = self.response.steer_factor(job)
                job.steered = True
                self._move_end(job, factor)
                takeover = self.jobs[-1]
                if takeover is not job:
                    takeover.steered = takeover.supported = True  # a mirror: it moves with the job it took over
                    job.linked.append(takeover)
                    self._sync_linked(job)

    def _move_end(self, job: Job, factor: float) -> None:
        """The rest of a job's work goes `factor` times as long; its end moves accordingly."""
        if factor == 1.0:
            return
        if job.started_at is None:
            job.duration *= factor
            return
        left = job.started_at + job.duration - self.now
        job.duration = self.now - job.started_at + max(0.0, left) * factor
        job.gen += 1
        if isinstance(job.process, simpy.events.Process):
            if job.process.is_alive:
                job.process.interrupt("moved")
        elif job.process is not None:
            self._finish_job_at(job)
        self._sync_linked(job)

    def _sync_linked(self, job: Job) -> None:
        if job.started_at is None:
            return
        for t in job.linked:
            if t.finished_at is None and t.started_at is not None:
                t.duration = job.started_at + job.duration - t.started_at
                t.gen += 1
                self._finish_job_at(t)

    def _staffed_job(self, job: Job, cmd: Act, target: Target, unit: Unit, finish: Callable[[], None]):
        assert self.staff is not None
        res = self.staff.resource
        reqs = [res.request(priority=0) for _ in range(job.staff)]
        yield self.env.all_of(reqs)
        job.started_at = self.now
        self.response.start(cmd.action, target, unit)
        self.emit(ev.JobStarted(self.now, job.id, job.action, unit.asset or job.target, job.staff, self.now + job.duration))
        while True:
            left = job.started_at + job.duration - self.env.now
            if left <= 0:
                break
            try:
                yield self.env.timeout(left)
            except simpy.Interrupt:
                continue  # its end moved (support arrived): wait for the new one
        for r in reqs:
            res.release(r)
        finish()

    def _staff_busy(self, action: str, needed: int, free: int) -> Refused:
        assert self.staff is not None
        ends = [j.started_at + j.duration for j in self.jobs if j.staff and j.finished_at is None and j.started_at is not None]
        when = f"; the first frees up at {format_offset(min(ends))}" if ends else ""
        plan = any(j.finished_at is None and j.source.startswith("it-plan") for j in self.jobs)
        message = (
            f"staff busy: '{action}' needs {needed} technician(s), {free} of the {self.staff.on_duty} on duty free{when}"
            + (" (try again then, request support, or change the IT department's order with 'prioritise')" if plan else " (try again then, or request support)")
        )
        hint = "prioritise" if plan else "support"
        if ends:
            return Refused("staff-busy-until", message, action=action, needed=needed, free=free, on_duty=self.staff.on_duty, frees_at=min(ends), hint=hint)
        return Refused("staff-busy", message, action=action, needed=needed, free=free, on_duty=self.staff.on_duty, hint=hint)

    def _more_staff_coming(self) -> bool:
        """Recall ordered but not yet in, or outside support on its way: jobs may queue for them."""
        assert self.staff is not None
        recall_pending = "crisis-declared" in self.facts and not self.staff.recalled
        return recall_pending or bool(self.support_requested - self.support_arrived)
