"""Generated company profiles: valid facts drawn by a seeded random generator over ``input_fields()``.

Each profile has a hidden "maturity" in [0, 1] that biases every ordered choice, so the profiles
spread over all six stages instead of piling up in the middle; with ``independent``, each section
(leadership, brand, ...) draws its own maturity, so that one competency can lag far behind the others.
:func:`extremes` gives companies with every section at none or at its highest, in several countries.
The same seed gives the same profiles. Used by ``cxm rules audit`` and the benchmarks (``bench/profiles.py``).
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cxm.facts.consistency import CUSTOMER_METRICS
from cxm.facts.vocabulary import FieldSpec, input_fields

COUNTRIES = ["RU", "DE", "FR", "US", "KZ", "GB"]


def _pick(rng: random.Random, values: tuple[str, ...], m: float) -> str:
    i = round(m * (len(values) - 1) + rng.gauss(0, 0.8))
    return values[max(0, min(len(values) - 1, i))]


def _subset(rng: random.Random, values: tuple[str, ...], m: float) -> list[str]:
    return [v for v in values if rng.random() < 0.15 + 0.7 * m]


def _value(rng: random.Random, spec: FieldSpec, m: float, n: int) -> Any:
    if spec.kind == "bool":
        return rng.random() < 0.1 + 0.8 * m
    if spec.kind == "enum":
        return _pick(rng, spec.values, m)
    if spec.kind == "list" and spec.item == "enum":
        return _subset(rng, spec.values, m)
    return None


def profile(rng: random.Random, n: int, independent: bool = False) -> dict[str, Any]:
    """One valid facts mapping (nested, as a facts file holds it); ``independent``: a maturity per section."""
    m = rng.random()
    by_section: dict[str, float] = {}
    flat: dict[str, Any] = {}
    for path, spec in input_fields().items():
        if path.startswith("self_assessment."):
            continue
        if independent:
            section = path.split(".", 1)[0]
            if section not in by_section:
                by_section[section] = rng.random()
            m = by_section[section]
        value = _value(rng, spec, m, n)
        if value is not None:
            flat[path] = value
    b2b = rng.choice([0, 10, 30, 50, 70, 90, 100])
    flat.update(
        {
            "company.name": f"Company {n:06d}",
            "company.industry": rng.sample(input_fields()["company.industry"].values, rng.randint(1, 2)),
            "company.markets.b2b": b2b,
            "company.markets.b2c": 100 - b2b,
            "company.employees": rng.randint(1, 20_000),
            "company.branches": rng.randint(0, 40),
            "company.country": rng.choice(COUNTRIES),
        }
    )
    flat["systems.integrated"] = [s for s in flat["systems.present"] if rng.random() < m]
    # facts that cannot hold together (cxm.facts.consistency): the footprint needs a CRM, LTV per segment segments
    if "crm" not in flat["systems.present"]:
        flat["systems.digital_footprint_in_crm"] = False
    if flat.get("customers.ltv_by_segment"):
        flat["customers.segmentation"] = True
    # and the pairs that most likely mean a slip (the warnings), which no real company writes on purpose
    if flat.get("customers.feedback_collection") == "none":
        flat["metrics.in_use"] = [m for m in flat.get("metrics.in_use", []) if m not in CUSTOMER_METRICS]
        flat["customers.feedback_channels"] = []
    if flat.get("employees.feedback") == "none":
        flat["metrics.in_use"] = [m for m in flat.get("metrics.in_use", []) if m != "enps"]
    if "enps" in flat.get("metrics.in_use", []):
        flat["employees.engagement_measured"] = True  # eNPS is a measure of engagement
    if flat.get("brand.brand_book") and flat.get("brand.values") == "none":
        flat["brand.values"] = "documented"
    if flat.get("customers.mystery_shopping", "none") != "none":
        flat["brand.promise_monitored"] = True
    if rng.random() < 0.5:
        flat["customers.response_time_hours"] = rng.randint(0, 96)
    if rng.random() < 0.3:
        for comp in ("leadership", "brand", "employees", "customers"):
            flat[f"self_assessment.{comp}"] = [max(1, min(5, round(1 + 4 * m + rng.gauss(0, 1)))) for _ in range(5)]
    return _nest(flat)


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for path in input_fields():  # schema order
        if path in flat:
            node = nested
            *parents, leaf = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = flat[path]
    return nested


def profiles(count: int, seed: int = 2026, independent: bool = False) -> list[dict[str, Any]]:
    return list(each_profile(count, seed, independent))


def each_profile(count: int, seed: int = 2026, independent: bool = False) -> Iterator[dict[str, Any]]:
    """The profiles of :func:`profiles`, one at a time (none is built before it is asked for)."""
    rng = random.Random(seed)
    for n in range(1, count + 1):
        yield profile(rng, n, independent)


EXTREME_COUNTRIES = ["RU", "DE", "US", "GB", "KZ", "BY", "UZ", "AM", "UA", "GE"]
SHAPES = [  # a small local B2C shop and a large national B2B manufacturer
    {
        "company.industry": ["retail"],
        "company.markets.b2b": 0,
        "company.markets.b2c": 100,
        "company.employees": 12,
        "company.branches": 1,
        "company.geography": "local",
    },
    {
        "company.industry": ["manufacturing"],
        "company.markets.b2b": 100,
        "company.markets.b2c": 0,
        "company.employees": 3000,
        "company.branches": 12,
        "company.geography": "national",
    },
]


def extreme(top: bool, country: str, shape: dict[str, Any]) -> dict[str, Any]:
    """A company with every practice (every section but ``company``) at none, or at its highest."""
    flat: dict[str, Any] = {
        "company.name": f"Every practice at {'max' if top else 'none'} ({country})",
        "company.country": country,
        **shape,
    }
    for path, spec in input_fields().items():
        if path.startswith(("company.", "self_assessment.")):
            continue
        if spec.kind == "bool":
            flat[path] = top
        elif spec.kind == "enum":
            flat[path] = spec.values[-1] if top else spec.values[0]
        elif spec.kind == "list" and spec.item == "enum":
            flat[path] = list(spec.values) if top else []
        elif path == "customers.response_time_hours":
            flat[path] = 2 if top else 96
    if not top:
        flat["customers.feedback_channels"] = []
    return _nest(flat)


def extremes(countries: list[str] | None = None) -> list[dict[str, Any]]:
    """Every section at none and at max, for each country and company shape."""
    return [
        extreme(top, country, shape)
        for country in countries or EXTREME_COUNTRIES
        for shape in SHAPES
        for top in (False, True)
    ]


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def write(path: Path | str, count: int, seed: int = 2026) -> Path:
    """``count`` profiles as CSV (one column per fact path) or JSON Lines, by the file's suffix."""
    path = Path(path)
    rng = random.Random(seed)
    header = list(input_fields())
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n") if path.suffix == ".csv" else None
        if writer:
            writer.writerow(header)
        for n in range(1, count + 1):
            data = profile(rng, n)
            if writer:
                flat = _flat(data)
                # an empty list is written as an empty cell: the field is left out and defaults to []
                writer.writerow([csv_cell(flat[h]) if h in flat else "" for h in header])
            else:
                handle.write(json.dumps(data, ensure_ascii=False) + "\n")
    return path
