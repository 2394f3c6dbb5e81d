"""Delays as probability distributions, written in durations a facilitator can read.

    2h                                    fixed (a plain duration)
    {fixed: 2h}
    {exponential: {mean: 4h}}
    {lognormal: {median: 16h, p90: 3d}}   heavy right tail: most quick, some very slow
    {triangular: {min: 2h, mode: 8h, max: 2d}}
    {uniform: {min: 1h, max: 3h}}

Sampling lives in the engine (`simulator.engine.rng`); this module only
describes and validates.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

from simulator.model.base import Duration, StrictModel
from simulator.model.tagged import register_leading_keys, register_tags


class Fixed(StrictModel):
    fixed: Duration = Field(description="Always this long.")

    def mean(self) -> float:
        return float(self.fixed)

    def upper(self) -> float:
        return float(self.fixed)


class ExponentialSpec(StrictModel):
    mean: Duration = Field(description="Mean delay.")


class Exponential(StrictModel):
    exponential: ExponentialSpec = Field(description="Memoryless delay with this mean.")

    def mean(self) -> float:
        return float(self.exponential.mean)

    def upper(self) -> float:
        return self.exponential.mean * math.log(10.0)  # 90th percentile


class LognormalSpec(StrictModel):
    median: Duration = Field(description="Half the delays are shorter than this.")
    p90: Duration = Field(description="90 % of the delays are shorter than this (must exceed the median).")

    @model_validator(mode="after")
    def _order(self) -> "LognormalSpec":
        if self.median <= 0:
            raise ValueError("lognormal median must be longer than 0m")
        if self.p90 <= self.median:
            raise ValueError("lognormal p90 must be longer than the median")
        return self

    @property
    def mu(self) -> float:
        return math.log(self.median)

    @property
    def sigma(self) -> float:
        return (math.log(self.p90) - math.log(self.median)) / 1.2815515655446004


class Lognormal(StrictModel):
    lognormal: LognormalSpec = Field(description="Right-skewed delay given by its median and 90th percentile.")

    def mean(self) -> float:
        s = self.lognormal
        return math.exp(s.mu + s.sigma**2 / 2)

    def upper(self) -> float:
        return float(self.lognormal.p90)


class TriangularSpec(StrictModel):
    min: Duration = Field(description="Shortest delay.")
    mode: Duration = Field(description="Most likely delay.")
    max: Duration = Field(description="Longest delay.")

    @model_validator(mode="after")
    def _order(self) -> "TriangularSpec":
        if not (self.min <= self.mode <= self.max):
            raise ValueError("triangular needs min <= mode <= max")
        return self


class Triangular(StrictModel):
    triangular: TriangularSpec = Field(description="Delay between min and max, most likely at mode.")

    def mean(self) -> float:
        t = self.triangular
        return (t.min + t.mode + t.max) / 3.0

    def upper(self) -> float:
        return float(self.triangular.max)


class UniformSpec(StrictModel):
    min: Duration = Field(description="Shortest delay.")
    max: Duration = Field(description="Longest delay.")

    @model_validator(mode="after")
    def _order(self) -> "UniformSpec":
        if self.min > self.max:
            raise ValueError("uniform needs min <= max")
        return self


class Uniform(StrictModel):
    uniform: UniformSpec = Field(description="Any delay between min and max, equally likely.")

    def mean(self) -> float:
        return (self.uniform.min + self.uniform.max) / 2.0

    def upper(self) -> float:
        return float(self.uniform.max)


_DIST_KEYS = ("fixed", "exponential", "lognormal", "triangular", "uniform")


def _plain_to_fixed(value: Any) -> Any:
    if isinstance(value, str):
        return {"fixed": value}
    return value


def _dist_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in value:
            if key in _DIST_KEYS:
                return "~" + key
        return None
    for cls, key in ((Fixed, "fixed"), (Exponential, "exponential"), (Lognormal, "lognormal"), (Triangular, "triangular"), (Uniform, "uniform")):
        if isinstance(value, cls):
            return "~" + key
    return None


Delay = Annotated[
    Union[
        Annotated[Fixed, Tag("~fixed")],
        Annotated[Exponential, Tag("~exponential")],
        Annotated[Lognormal, Tag("~lognormal")],
        Annotated[Triangular, Tag("~triangular")],
        Annotated[Uniform, Tag("~uniform")],
    ],
    Discriminator(
        _dist_tag,
        custom_error_type="delay",
        custom_error_message="a delay is a duration ('2h') or one of: " + ", ".join("{" + k + ": ...}" for k in _DIST_KEYS),
    ),
    BeforeValidator(_plain_to_fixed, json_schema_input_type=Union[Duration, Fixed, Exponential, Lognormal, Triangular, Uniform]),
]
"""A random delay; see the module docstring for the forms."""


register_leading_keys("delay", _DIST_KEYS, [Fixed, Exponential, Lognormal, Triangular, Uniform])
register_tags({"~fixed": Fixed, "~exponential": Exponential, "~lognormal": Lognormal, "~triangular": Triangular, "~uniform": Uniform})


def fixed(minutes: int) -> Fixed:
    return Fixed(fixed=f"{int(minutes)}m")
