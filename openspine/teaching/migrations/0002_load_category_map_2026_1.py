"""Load the first procedure -> category map (teaching.md 2.3) so that sign-offs derive categories."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "category_map_2026.1.json"


def load(apps, schema_editor):
    CategoryMap = apps.get_model("teaching", "CategoryMap")
    CategoryRule = apps.get_model("teaching", "CategoryRule")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    if CategoryMap.objects.filter(version=data["version"]).exists():
        return
    keys = ("version", "title", "source_citation", "effective_from", "notes")
    category_map = CategoryMap.objects.create(**{k: data[k] for k in keys})
    for rule in data["rules"]:
        CategoryRule.objects.create(
            category_map=category_map,
            category=rule["category"],
            clauses=rule["clauses"],
            icd9cm3_prefixes=rule.get("icd9cm3_prefixes", []),
            notes=rule.get("notes", ""),
        )


class Migration(migrations.Migration):
    dependencies = [("teaching", "0001_add_case_log")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
