"""How big the synthetic county is. The full size is the one DESIGN.md's performance targets name."""

from __future__ import annotations

from dataclasses import dataclass

# Codes of the parks the bench writes: --fresh deletes these parks and nothing else.
PARK_CODE_PREFIX = "bench-"
BENCH_USERNAME = "bench-viewer"


@dataclass(frozen=True)
class CountySpec:
    parks: int = 20
    enterprises: int = 100_000
    organizations: int = 5_000
    members: int = 50_000
    instructors: int = 200
    seed: int = 2024

    @classmethod
    def scaled(cls, scale: float, *, seed: int = 2024) -> CountySpec:
        """Every count times `scale`; at least 2 parks, so "one park" and "all parks" still differ."""
        if scale <= 0:
            raise ValueError("scale must be positive")
        full = cls()
        return cls(
            parks=max(2, round(full.parks * scale)),
            enterprises=max(2, round(full.enterprises * scale)),
            organizations=max(2, round(full.organizations * scale)),
            members=round(full.members * scale),
            instructors=max(1, round(full.instructors * scale)),
            seed=seed,
        )

    def share(self, total: int, park_index: int) -> int:
        """Park `park_index`'s part of `total`: equal parts, the remainder to the first parks."""
        part, remainder = divmod(total, self.parks)
        return part + (1 if park_index < remainder else 0)
