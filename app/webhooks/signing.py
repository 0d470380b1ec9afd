"""Webhook secrets (shown once, kept encrypted) and Standard Webhooks signatures."""

import base64
import hashlib
import secrets
from datetime import datetime

from cryptography.fernet import Fernet
from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _fernet(server_secret: str) -> Fernet:
    # A key of its own, derived from the server secret, so rotating keys rotates both.
    digest = hashlib.sha256(b"iop webhook secrets\x00" + server_secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret: str, server_secret: str) -> str:
    return _fernet(server_secret).encrypt(secret.encode()).decode()


def unseal(sealed: str, server_secret: str) -> str:
    return _fernet(server_secret).decrypt(sealed.encode()).decode()


def signed_headers(secret: str, message_id: str, sent_at: datetime, body: str) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp` and `webhook-signature` (HMAC-SHA256 over
    "id.timestamp.body"), as the Standard Webhooks convention names them."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, sent_at, body),
        "content-type": "application/json",
    }
