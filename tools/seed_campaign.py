"""Write the whole Ngã Bảy 2020 campaign at the seed's scale (docs/domain.md §1).

187 registrations and 70 proposals. If the appraisal keeps each proposed rating and marks the 8 extra
proposals "Không công nhận", exactly 62 models are recognised: city level 46 = 45 tập thể + 1 cá nhân, 40 Tốt
+ 6 Khá; commune level (the six phường/xã) 16 tập thể, 13 Tốt + 3 Khá. Layouts are mixed; documents are filled
from templates (docgen.TemplateWriter) so the whole campaign takes a few seconds.

Run: python -m tools.seed_campaign OUTDIR [YEAR]
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from tools.docgen import MODEL_ACTIONS, TemplateWriter, load_config, make_values, place_for, spell_variant

REGISTERED = 187
# (level key, model type, proposed rating, recognised?, how many)
PROPOSAL_PLAN = (
    ("city", "Tập thể", "Tốt", True, 39),
    ("city", "Tập thể", "Khá", True, 6),
    ("city", "Cá nhân", "Tốt", True, 1),
    ("commune", "Tập thể", "Tốt", True, 13),
    ("commune", "Tập thể", "Khá", True, 3),
    ("city", "Tập thể", "Khá", False, 4),
    ("city", "Tập thể", "Tốt", False, 1),
    ("commune", "Tập thể", "Khá", False, 3),
)
LEVEL_LABELS = {"city": "Cấp thành phố", "commune": "Cấp xã, phường"}
# Layouts and options mixed across the campaign (no run splitting or tracking: templates are filled by token).
LAYOUTS = (
    ("table", {}),
    ("paragraph", {}),
    ("form", {}),
    ("table", {"stt": True, "label_style": "variant"}),
    ("paragraph", {"bullet": "dash", "label_style": "upper"}),
    ("table", {"value_below": True, "colon": True}),
    ("paragraph", {"sections": False, "label_style": "ascii", "bullet": "none"}),
    ("paragraph", {"title": "submission", "bullet": "alpha"}),
)


@dataclass(frozen=True)
class PlannedModel:
    number: int
    level: str  # level key
    model_type: str
    rating: str
    proposed: bool
    recognised: bool
    unit: str
    name: str = ""
    field: str = ""  # configured field label the name belongs to


def plan_models(year: int = 2020) -> list[PlannedModel]:
    """187 registered models; the first 70 are proposed (62 to be recognised, 8 not)."""
    units = load_config()["units"]
    models, counters = [], {"city": 0, "commune": 0}
    for level, model_type, rating, recognised, count in PROPOSAL_PLAN:
        for _ in range(count):
            unit = _next_unit(units[level], counters, level)
            models.append(PlannedModel(len(models) + 1, level, model_type, rating, True, recognised, unit))
    while len(models) < REGISTERED:
        level = "commune" if len(models) % 4 == 0 else "city"
        unit = _next_unit(units[level], counters, level)
        rating = "Tốt" if len(models) % 5 else "Khá"
        models.append(PlannedModel(len(models) + 1, level, "Tập thể", rating, False, False, unit))
    return _name_models(models, random.Random(f"seed-campaign-{year}"))


def _next_unit(units: list[str], counters: dict, level: str) -> str:
    unit = units[counters[level] % len(units)]
    counters[level] += 1
    return unit


def _name_models(models: list[PlannedModel], rng: random.Random) -> list[PlannedModel]:
    """Distinct names: an action of the model's field, tied to a place once the bare action is taken."""
    fields = list(MODEL_ACTIONS)
    seen: set[str] = set()
    named = []
    for model in models:
        field = fields[model.number % len(fields)]
        name = ""
        while not name or name in seen:
            action = rng.choice(MODEL_ACTIONS[field])
            name = action if action not in seen else f"{action} tại {place_for(model.unit, rng)}"
        seen.add(name)
        named.append(replace(model, name=name, field=field))
    return named


def _values(model: PlannedModel, kind: str, year: int) -> dict:
    given = {
        "model_name": model.name,
        "unit": model.unit,
        "level": LEVEL_LABELS[model.level],
        "model_type": model.model_type,
        "field": model.field,
        "proposed_rating": model.rating,
        "year": str(year),
    }
    values = make_values(kind, seed=model.number, **given)
    if model.number % 3 == 0:  # every third file spells level, field and rating as units often do
        rng = random.Random(model.number)
        for key, section in (("level", "levels"), ("field", "fields"), ("proposed_rating", "ratings")):
            if key in values:
                values[key] = spell_variant(section, values[key], rng)
    return values


def write_seed_campaign(folder: Path, year: int = 2020) -> dict:
    """Write the campaign into `folder` and describe it (counts, the 8 models to mark "Không công nhận")."""
    folder = Path(folder)
    writer = TemplateWriter()
    models = plan_models(year)
    described = []
    for model in models:
        layout, options = LAYOUTS[model.number % len(LAYOUTS)]
        unit_dir = folder / model.unit
        registration = unit_dir / f"Phiếu đăng ký mô hình {model.number:03d}.docx"
        writer.write(registration, layout, "registration", _values(model, "registration", year), **options)
        proposal = ""
        if model.proposed:
            layout, options = LAYOUTS[(model.number + 3) % len(LAYOUTS)]
            path = unit_dir / f"Báo cáo kết quả mô hình {model.number:03d}.docx"
            writer.write(path, layout, "proposal", _values(model, "proposal", year), **options)
            proposal = str(path.relative_to(folder))
        described.append(_describe(model, str(registration.relative_to(folder)), proposal))
    return _summary(folder, described)


def _describe(model: PlannedModel, registration: str, proposal: str) -> dict:
    return {
        "model_name": model.name,
        "unit": model.unit,
        "level": LEVEL_LABELS[model.level],
        "model_type": model.model_type,
        "field": model.field,
        "rating": model.rating,
        "proposed": model.proposed,
        "recognised": model.recognised,
        "registration": registration,
        "proposal": proposal,
    }


def _summary(folder: Path, models: list[dict]) -> dict:
    recognised = [m for m in models if m["recognised"]]

    def counts(level: str) -> dict:
        chosen = [m for m in recognised if m["level"] == level]
        return {
            "total": len(chosen),
            "collective": sum(m["model_type"] == "Tập thể" for m in chosen),
            "individual": sum(m["model_type"] == "Cá nhân" for m in chosen),
            "Tốt": sum(m["rating"] == "Tốt" for m in chosen),
            "Khá": sum(m["rating"] == "Khá" for m in chosen),
        }

    return {
        "folder": str(folder),
        "registered": len(models),
        "proposals": sum(m["proposed"] for m in models),
        "recognised": len(recognised),
        "not_recognised": [m["model_name"] for m in models if m["proposed"] and not m["recognised"]],
        "expected": {"city": counts(LEVEL_LABELS["city"]), "commune": counts(LEVEL_LABELS["commune"])},
        "models": models,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("Cách dùng: python -m tools.seed_campaign THƯ_MỤC [NĂM]", file=sys.stderr)
        return 2
    summary = write_seed_campaign(Path(args[0]), int(args[1]) if len(args) > 1 else 2020)
    brief = {key: value for key, value in summary.items() if key != "models"}
    print(json.dumps(brief, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
