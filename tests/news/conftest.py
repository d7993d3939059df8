import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The workflow tests make many staff accounts; real password hashing is slow by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
