"""Test settings: the real settings with only speed and isolation changed (as pretix does)."""

from openspine.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S105 (speed; argon2 tested apart)
DEBUG = False
MESSAGE_BACKEND = "openspine.proms.messaging.MemoryBackend"
FIELD_ENCRYPTION_KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0="
AUDIT_KEY = "test1:dGVzdC1hdWRpdC1rZXktdGVzdC1hdWRpdC1rZXktdGU="  # tests/conftest.py isolates the anchor dir
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
