"""Tokens at rest are sealed: AES-GCM with a key derived from the client secret.

Threat model.  The shared store (the SQLite file, a Redis server and its
RDB/AOF files, their backups) may be read by someone who should not call
the API.  What they find is ciphertext: the key is derived (HKDF-SHA256)
from the app registration's client secret, which exists only in the
memory of the processes that were given it.  Anyone who has the client
secret can already mint tokens, so sharing sealed tokens among the holders
of the secret gives nobody new power.  The store key is bound as
associated data, so a blob cannot be moved to another tenant's entry.  A
blob whose key does not match (a rotated secret) simply reads as absent.
Sealed tokens are stored only until they expire.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from txo.http.auth import TokenInfo

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["TokenSealer", "sealing_available"]

_INFO = b"txo fleet token cache v1"
_NONCE = 12


def sealing_available() -> bool:
    """Whether the ``cryptography`` package (``txo[fleet]``) is installed."""
    try:
        import cryptography.hazmat.primitives.ciphers.aead  # noqa: F401
    except ImportError:
        return False
    return True


class TokenSealer:
    """Seals and opens :class:`TokenInfo` values with one derived key."""

    __slots__ = ("_aead",)

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("TokenSealer needs the (non-empty) client secret to derive its key")
        self._aead = _derive(secret)

    def __repr__(self) -> str:
        return "TokenSealer(key=<derived>)"

    def seal(self, store_key: str, token: TokenInfo) -> bytes:
        plain = json.dumps(
            [token.access_token, token.expires_at, token.token_type, token.scope]
        ).encode()
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plain, store_key.encode())

    def open(self, store_key: str, blob: bytes) -> TokenInfo | None:
        """The token, or None if the blob was sealed with another key or is damaged."""
        from cryptography.exceptions import InvalidTag

        try:
            plain = self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], store_key.encode())
            access, expires_at, token_type, scope = json.loads(plain)
        except (InvalidTag, ValueError, TypeError):
            return None
        return TokenInfo(str(access), float(expires_at), str(token_type), scope)


def _derive(secret: str) -> AESGCM:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return AESGCM(key)
