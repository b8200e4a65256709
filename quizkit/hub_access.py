"""Fast, clear failure when the Hugging Face Hub cannot be reached.

``from_pretrained`` and ``load_dataset`` retry for a long time before failing with a message
that does not say the network is the problem. Everything in quizkit that may touch the Hub
calls :func:`require_hub` first.

>>> import os
>>> os.environ["HF_HUB_OFFLINE"] = "1"
>>> try:
...     require_hub("model 'bert-base-uncased'", alternative='load_classifier("minilm")')
... except HubUnavailableError as e:
...     print(str(e).splitlines()[0])
The Hugging Face Hub is unreachable (HF_HUB_OFFLINE is set), so model 'bert-base-uncased' cannot be downloaded.
>>> del os.environ["HF_HUB_OFFLINE"]
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

_TRUE = {"1", "true", "yes", "on"}
CONNECT_TIMEOUT_S = 3.0


class HubUnavailableError(ConnectionError):
    """The Hub cannot be reached; the message names the offline alternative."""


def offline_reason() -> str | None:
    """Why the Hub is unusable right now, or ``None`` if a TCP connection to it succeeds."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        if os.environ.get(var, "").strip().lower() in _TRUE:
            return f"{var} is set"
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (443 if endpoint.scheme != "http" else 80)
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            return None
    except OSError as exc:
        return f"cannot connect to {host}:{port}: {exc}"


def require_hub(what: str, alternative: str) -> None:
    """Raise :class:`HubUnavailableError` within seconds if ``what`` cannot be downloaded."""
    reason = offline_reason()
    if reason is not None:
        raise HubUnavailableError(
            f"The Hugging Face Hub is unreachable ({reason}), so {what} cannot be downloaded.\n"
            f"Offline, use the bundled alternative instead: {alternative}"
        )
