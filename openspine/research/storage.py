"""Where export files live: a private folder under ``var/``, never a public media URL (T-49).

``OPENSPINE_VAR_DIR``/research-exports by default; ``settings.RESEARCH_EXPORT_DIR`` overrides it
(tests point it at a temporary folder). Files leave only through the audited download view.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class ExportStorage(FileSystemStorage):
    """File storage for export bundles, reading its folder from the settings at each use."""

    @property
    def base_location(self):
        return str(getattr(settings, "RESEARCH_EXPORT_DIR", None) or settings.VAR_DIR / "research-exports")

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None
