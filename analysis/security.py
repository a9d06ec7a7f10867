"""Password hashing for the local planner login (used when no identity provider is configured).

Hashes use scrypt from the standard library with a random salt, stored as one text field
``scrypt$n$r$p$salt_hex$hash_hex`` that can live in an environment variable or ``secrets.toml``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> str:
    """Return a salted scrypt hash of ``password``.

    Examples
    --------
    >>> stored = hash_password("hemligt")
    >>> stored.startswith("scrypt$")
    True
    >>> verify_password("hemligt", stored), verify_password("fel", stored)
    (True, False)
    """
    if not password:
        raise ValueError("An empty password cannot be hashed.")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Return whether ``password`` matches the ``stored`` hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.strip().split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(salt_hex),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest_hex) // 2,
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def new_password() -> str:
    """Return a random, readable password (four groups of lower-case letters and digits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
