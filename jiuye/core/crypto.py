"""Field encryption (AES-256-GCM) and keyed hashes (blind indexes) for personal data.

The key comes from settings (JIUYE_FIELD_KEY, kept outside the database). Ciphertext is
``v1:`` + base64(nonce ‖ ciphertext ‖ tag); the version prefix lets keys rotate later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

_PREFIX = "v1:"


@lru_cache(maxsize=16)
def _derived(purpose: str, key: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose.encode()).derive(key)


@lru_cache(maxsize=16)
def _cipher(purpose: str, key: bytes) -> AESGCM:
    return AESGCM(_derived("enc:" + purpose, key))


def encrypt(plaintext: str, *, purpose: str) -> str:
    nonce = os.urandom(12)
    sealed = _cipher(purpose, settings.JIUYE_FIELD_KEY).encrypt(nonce, plaintext.encode(), purpose.encode())
    return _PREFIX + base64.b64encode(nonce + sealed).decode()


def encrypt_many(plaintexts: Sequence[str], *, purpose: str) -> list[str]:
    """``encrypt`` over many values (an import batch): one cipher, one draw of nonces."""
    cipher = _cipher(purpose, settings.JIUYE_FIELD_KEY)
    aad = purpose.encode()
    nonces = os.urandom(12 * len(plaintexts))
    seal, b64 = cipher.encrypt, base64.b64encode
    out = []
    for i, text in enumerate(plaintexts):
        nonce = nonces[12 * i : 12 * i + 12]
        out.append(_PREFIX + b64(nonce + seal(nonce, text.encode(), aad)).decode())
    return out


def decrypt(token: str, *, purpose: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("unknown ciphertext version")
    raw = base64.b64decode(token[len(_PREFIX) :])
    return _cipher(purpose, settings.JIUYE_FIELD_KEY).decrypt(raw[:12], raw[12:], purpose.encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash for exact lookup and de-duplication without storing the value."""
    return hmac.new(_derived("idx:" + purpose, settings.JIUYE_FIELD_KEY), value.encode(), hashlib.sha256).hexdigest()


def blind_index_many(values: Sequence[str], *, purpose: str) -> list[str]:
    """``blind_index`` over many values, with the key derived once."""
    key = _derived("idx:" + purpose, settings.JIUYE_FIELD_KEY)
    digest = hmac.digest
    return [digest(key, value.encode(), "sha256").hex() for value in values]


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored encrypted; Python code sees plaintext."""

    def __init__(self, *args: object, purpose: str = "", **kwargs: object) -> None:
        self.purpose = purpose
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def _purpose(self) -> str:
        return self.purpose or f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value, purpose=self._purpose())

    def get_prep_value(self, value: object) -> object:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value), purpose=self._purpose())
