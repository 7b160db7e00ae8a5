"""Load a category map or a requirement set from a JSON file the department has signed off."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from openspine.teaching import services


class Command(BaseCommand):
    help = (
        "Load a case-log category map or requirement set (JSON); loading the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="A JSON file with 'rules' (a category map) or 'requirements' (a set)."
        )

    def handle(self, *args, path, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            if "rules" in data:
                loaded = services.load_category_map(data)
            elif "requirements" in data:
                loaded = services.load_requirement_set(data)
            else:
                raise CommandError("The file has neither 'rules' nor 'requirements'.")
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot load {path}: {error}") from error
        except ValidationError as error:
            raise CommandError(f"{path}: {error.message_dict}") from error
        self.stdout.write(f"Loaded {loaded}.")
        return None
