"""Field encryption and blind indexes for identifiers at rest (security.md decision 5, T-55).

Two profiles, chosen by ``settings.FIELD_ENCRYPTION_ALGORITHM``:

* ``aes-256-gcm`` (default): AES-256-GCM, keys derived with HKDF-SHA-256, blind index HMAC-SHA-256.
* ``sm4-gcm`` (商用密码): SM4-GCM, keys derived with HKDF-SM3, blind index HMAC-SM3. The installed
  ``cryptography`` offers SM4 in GCM mode natively, so no hand-made construction is needed.

Keys come from ``settings.FIELD_ENCRYPTION_KEY`` (``OPENSPINE_FIELD_KEY`` or the file named by
``OPENSPINE_FIELD_KEY_FILE``), never from the database or the repository. The value is either one
base64 key of 32 bytes, or a keyring ``id1:base64,id2:base64`` whose *first* entry is the primary
key (used to encrypt and to index); the others only decrypt, which is what rotation needs. Without a
key, development derives one from ``SECRET_KEY`` and warns loudly; production refuses to start
(see settings.py).

A stored value is a versioned envelope ``v1:<key-id>:<alg>:<base64(nonce + ciphertext + tag)>``;
the header is bound as associated data, so changing the key id or algorithm breaks the tag.
Plaintext never reaches a log: errors name the key id, never the value.

The same keyring format also carries the *authentication* keys (:func:`mac_keyring`): the audit
chain, its anchors and the sign-off seals are HMAC-SHA-256 under ``settings.AUDIT_KEY``
(``OPENSPINE_AUDIT_KEY``), a key separate from the field key, with one derived sub-key per purpose.
Each sealed row stores the key id, so old rows keep verifying with old keys after a rotation.
"""

import base64
import binascii
import hashlib
import hmac
import logging
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

ENVELOPE_VERSION = "v1"
ALGORITHMS = ("aes-256-gcm", "sm4-gcm")
MAC_ALGORITHM = "hmac-sha256"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(Exception):
    """A stored value could not be decrypted (unknown key id, wrong key, or tampered data)."""


@dataclass(frozen=True)
class FieldKey:
    """One master key of the keyring, with the sub-keys derived from it per algorithm."""

    key_id: str
    master: bytes

    def encryption_key(self, algorithm: str) -> bytes:
        return _derive(
            self.master, algorithm, b"openspine field encryption", 32 if algorithm == "aes-256-gcm" else 16
        )

    def index_key(self, algorithm: str) -> bytes:
        return _derive(self.master, algorithm, b"openspine blind index", 32)

    def mac_key(self, purpose: str) -> bytes:
        # HKDF-SHA-256 with the purpose as info: a MAC made for one purpose is useless for another.
        return _derive(self.master, MAC_ALGORITHM, b"openspine mac " + purpose.encode(), 32)


@lru_cache(maxsize=32)
def _derive(master: bytes, algorithm: str, info: bytes, length: int) -> bytes:
    digest = hashes.SM3() if algorithm == "sm4-gcm" else hashes.SHA256()
    return HKDF(algorithm=digest, length=length, salt=None, info=info).derive(master)


def _decode_key(text: str, variable: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(f"{variable} must be base64 (32 random bytes).") from error
    if len(key) != 32:
        raise ImproperlyConfigured(f"{variable} must decode to exactly 32 bytes.")
    return key


def _default_key_id(master: bytes) -> str:
    # A short fingerprint names the key in envelopes without revealing it (SHA-256 of 32 random bytes).
    return "k" + hashlib.sha256(b"openspine key id" + master).hexdigest()[:8]


def parse_keyring(value: str, *, variable: str = "OPENSPINE_FIELD_KEY") -> list[FieldKey]:
    """Return the keys of ``value`` (``base64`` or ``id:base64,id:base64``), primary first.

    ``variable`` names the setting in error messages.
    """
    keys = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        key_id, _, text = entry.rpartition(":") if ":" in entry else ("", "", entry)
        master = _decode_key(text, variable)
        key_id = key_id or _default_key_id(master)
        if not key_id.isalnum():
            raise ImproperlyConfigured(f"Key ids in {variable} must be letters and digits only.")
        keys.append(FieldKey(key_id, master))
    return keys


def _development_key() -> FieldKey:
    message = (
        "OPENSPINE_FIELD_KEY is not set: identifiers are encrypted with a key derived from SECRET_KEY. "
        "This is for development only; set a real key (base64 of 32 random bytes) before real data."
    )
    warnings.warn(message, RuntimeWarning, stacklevel=3)
    logger.warning(message)
    master = hashlib.sha256(b"openspine dev field key" + settings.SECRET_KEY.encode()).digest()
    return FieldKey("dev", master)


class Keyring:
    """The configured keys and algorithm; the first key is the primary one."""

    def __init__(self, keys: list[FieldKey], algorithm: str):
        if algorithm not in ALGORITHMS:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_ALGORITHM must be one of {', '.join(ALGORITHMS)}, not {algorithm!r}."
            )
        if not keys:
            raise ImproperlyConfigured("The field keyring is empty.")
        self.keys = {key.key_id: key for key in keys}
        self.primary = keys[0]
        self.algorithm = algorithm

    # --- encryption ---------------------------------------------------------------------------
    def encrypt(self, plaintext: str) -> str:
        """Return the envelope of ``plaintext`` under the primary key."""
        header = f"{ENVELOPE_VERSION}:{self.primary.key_id}:{self.algorithm}"
        nonce = os.urandom(NONCE_BYTES)
        key = self.primary.encryption_key(self.algorithm)
        sealed = _seal(self.algorithm, key, nonce, plaintext.encode("utf-8"), header.encode())
        return f"{header}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, envelope: str) -> str:
        """Return the plaintext of ``envelope``; raise DecryptionError naming only the key id."""
        try:
            version, key_id, algorithm, payload = envelope.split(":", 3)
        except ValueError as error:
            raise DecryptionError("not an encrypted field envelope") from error
        if version != ENVELOPE_VERSION or algorithm not in ALGORITHMS:
            raise DecryptionError(f"unsupported envelope {version}/{algorithm}")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"field key {key_id!r} is not in the keyring")
        raw = base64.b64decode(payload)
        header = f"{version}:{key_id}:{algorithm}".encode()
        try:
            data = _open(
                algorithm, key.encryption_key(algorithm), raw[:NONCE_BYTES], raw[NONCE_BYTES:], header
            )
        except InvalidTag as error:
            raise DecryptionError(f"value encrypted under {key_id!r} failed authentication") from error
        return data.decode("utf-8")

    def needs_rotation(self, envelope: str) -> bool:
        """Return True if ``envelope`` is not under the primary key and algorithm."""
        return not envelope.startswith(f"{ENVELOPE_VERSION}:{self.primary.key_id}:{self.algorithm}:")

    # --- blind index --------------------------------------------------------------------------
    def blind_index(self, value: str, *, purpose: str) -> str:
        """Return a keyed hash of ``value`` for exact search (HMAC-SHA-256, or HMAC-SM3 with SM4).

        ``purpose`` separates the indexes of different columns, so equal values in two columns do not
        produce equal index entries.
        """
        if not value:
            return ""
        key = self.primary.index_key(self.algorithm)
        message = f"{purpose}\x00{value}".encode()
        if self.algorithm == "sm4-gcm":
            from cryptography.hazmat.primitives import hmac as crypto_hmac

            mac = crypto_hmac.HMAC(key, hashes.SM3())
            mac.update(message)
            return mac.finalize().hex()
        return hmac.new(key, message, hashlib.sha256).hexdigest()


def _seal(algorithm: str, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    if algorithm == "aes-256-gcm":
        return AESGCM(key).encrypt(nonce, data, aad)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(data) + encryptor.finalize() + encryptor.tag


def _open(algorithm: str, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if algorithm == "aes-256-gcm":
        return AESGCM(key).decrypt(nonce, sealed, aad)
    ciphertext, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(ciphertext) + decryptor.finalize()


_cache: dict[tuple[str, str], Keyring] = {}


def keyring() -> Keyring:
    """Return the keyring built from the current settings (cached per key and algorithm setting)."""
    value = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    algorithm = getattr(settings, "FIELD_ENCRYPTION_ALGORITHM", "aes-256-gcm")
    cache_key = (value, algorithm)
    if cache_key not in _cache:
        keys = parse_keyring(value) if value else [_development_key()]
        _cache[cache_key] = Keyring(keys, algorithm)
    return _cache[cache_key]


def is_envelope(value) -> bool:
    return isinstance(value, str) and value.startswith(f"{ENVELOPE_VERSION}:")


# --- message authentication (audit chain, anchors, sign-off seals) ----------------------------------

# Outside production an unset OPENSPINE_AUDIT_KEY means this fixed, public key, so a development
# database stays verifiable whatever SECRET_KEY is; production refuses to start without a real key.
DEV_MAC_KEY = FieldKey("dev", hashlib.sha256(b"openspine development audit key, not a secret").digest())


class UnknownKeyError(Exception):
    """A sealed value names a key id that is not in the keyring."""


class MacKeyring:
    """The authentication keys: the primary (first) one seals new rows, every one of them verifies.

    Callers put the key id into the message they authenticate, so a row cannot claim another key.
    """

    def __init__(self, keys: list[FieldKey]):
        if not keys:
            raise ImproperlyConfigured("The audit keyring is empty.")
        self.keys = {key.key_id: key for key in keys}
        self.primary = keys[0]

    def mac(self, purpose: str, message: bytes, *, key_id: str) -> str:
        """Return the HMAC-SHA-256 (hex) of ``message`` for ``purpose`` under the key ``key_id``."""
        key = self.keys.get(key_id)
        if key is None:
            raise UnknownKeyError(key_id)
        return hmac.new(key.mac_key(purpose), message, hashlib.sha256).hexdigest()

    def verify(self, purpose: str, message: bytes, *, key_id: str, mac: str) -> bool:
        """Return True if ``mac`` authenticates ``message``; raise UnknownKeyError for a foreign key id."""
        return hmac.compare_digest(self.mac(purpose, message, key_id=key_id), mac or "")


_mac_cache: dict[str, MacKeyring] = {}


def mac_keyring() -> MacKeyring:
    """Return the authentication keyring built from ``settings.AUDIT_KEY`` (cached per value)."""
    value = getattr(settings, "AUDIT_KEY", "") or ""
    if value not in _mac_cache:
        keys = parse_keyring(value, variable="OPENSPINE_AUDIT_KEY") if value else [DEV_MAC_KEY]
        _mac_cache[value] = MacKeyring(keys)
    return _mac_cache[value]
