import pytest


@pytest.fixture
def private_storage(settings, tmp_path):
    """The private default storage in a folder of this test's own; returns the folder."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    return tmp_path
