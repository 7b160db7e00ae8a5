"""The two password profiles, cn-mlps and asvs5 (T-8; security.md decision 2)."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from openspine.accounts.models import User
from tests import builders

GOOD = "Kestrel-Harbour-7781"


def rejected(password, user=None) -> bool:
    try:
        validate_password(password, user)
    except ValidationError:
        return True
    return False


@pytest.mark.req("T-8")
@override_settings(OPENSPINE_PASSWORD_PROFILE="cn-mlps")
def test_cn_mlps_wants_length_and_three_character_classes():
    assert not rejected(GOOD)
    assert rejected("Kh-7781")  # too short
    assert rejected("kestrelharbourriver")  # one class only
    assert rejected("kestrel harbour river")  # lower case and spaces: two classes


@pytest.mark.req("T-8")
@override_settings(OPENSPINE_PASSWORD_PROFILE="asvs5")
def test_asvs5_has_no_composition_rules_and_allows_128_characters():
    assert not rejected("kestrel harbour river")
    assert not rejected("kestrel harbour river " * 5 + "x" * 18)  # 128 characters
    assert rejected("k" * 20 + " harbour " + "x" * 100)  # 129 characters
    assert rejected("Kh-7781")


@pytest.mark.req("T-8")
@pytest.mark.parametrize("profile", ["cn-mlps", "asvs5"])
@pytest.mark.parametrize("password", ["Password1234", "woaini1314520", "Qwertyuiop123!", "1qaz2wsx3edc"])
def test_both_profiles_reject_common_passwords(profile, password):
    with override_settings(OPENSPINE_PASSWORD_PROFILE=profile):
        assert rejected(password)


@pytest.mark.req("T-8")
@pytest.mark.parametrize("profile", ["cn-mlps", "asvs5"])
@pytest.mark.parametrize(
    "password", ["Surgeon-Kestrel-77", "Spine-Surgery-2026!", "脊柱外科Kestrel-77", "OpenSpine#Kestrel9"]
)
def test_both_profiles_reject_context_words(surgeon, profile, password):
    with override_settings(OPENSPINE_PASSWORD_PROFILE=profile):
        assert rejected(password, surgeon)


@pytest.mark.req("T-8")
@override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"], OPENSPINE_PASSWORD_PROFILE="asvs5"
)
def test_long_passwords_are_not_truncated(surgeon):
    long_password = "kestrel harbour river " * 5 + "x" * 18
    surgeon.set_password(long_password)
    assert surgeon.check_password(long_password)
    assert not surgeon.check_password(long_password[:-1])
    assert not surgeon.check_password(long_password[:72])


@pytest.mark.req("T-8")
@override_settings(OPENSPINE_PASSWORD_PROFILE="cn-mlps")
def test_cn_mlps_expires_passwords_after_90_days_with_a_warning(surgeon):
    client = Client()
    client.force_login(surgeon)
    User.objects.filter(pk=surgeon.pk).update(password_changed_at=timezone.now() - timedelta(days=80))
    warned = client.get("/", follow=True)
    assert warned.status_code == 200
    assert any("10" in str(m) for m in warned.context["messages"])
    User.objects.filter(pk=surgeon.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    response = client.get("/patients/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert client.get("/accounts/password/").status_code == 200


@pytest.mark.req("T-8")
@override_settings(OPENSPINE_PASSWORD_PROFILE="asvs5")
def test_asvs5_never_expires_passwords(surgeon):
    client = Client()
    client.force_login(surgeon)
    User.objects.filter(pk=surgeon.pk).update(password_changed_at=timezone.now() - timedelta(days=400))
    assert client.get("/patients/").status_code == 200


@pytest.mark.req("T-8")
def test_production_default_profile_is_cn_mlps(settings):
    assert settings.OPENSPINE_PASSWORD_PROFILE == "cn-mlps"
    assert builders.PASSWORD  # the personas' password predates the policy; set through create_user
