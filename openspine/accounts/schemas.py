"""Input and output of the accounts API: the token grant, with every field listed (no "all fields")."""

from datetime import datetime

from ninja import Schema
from pydantic import Field


class TokenRequest(Schema):
    """A password grant: user name, password and, where the second factor applies, a TOTP code."""

    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    code: str = Field(default="", max_length=20, description="TOTP or backup code, when MFA applies.")
    name: str = Field(max_length=80, description="What the token is for, e.g. 'nightly export'.")


class TokenOut(Schema):
    """A new token: ``token`` is shown this once and never stored."""

    token: str
    name: str
    created_at: datetime


class ErrorOut(Schema):
    detail: str
