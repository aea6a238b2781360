"""The coach's client errors in plain words, and which SDK errors are worth another try.

No message here carries the API key: the server's own words are kept only after the key (and
anything shaped like one) is blotted out, and every ``LlmError`` is raised ``from None`` so no SDK
exception (whose text may quote the key, as OpenAI's 401 does in part) rides along.
"""

from __future__ import annotations

import email.utils
import re
import time
from random import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import openai

OPENAI_URL = "https://api.openai.com/v1"
RETRY_BASE_S = 0.5
RETRY_CAP_S = 20.0  # a server asking for longer still gets at most this between tries
_KEYISH = re.compile(r"\b(sk|key|ak|gsk|xai)[-_][A-Za-z0-9_\-*]{6,}")


class LlmError(Exception):
    """What went wrong, for the panel. ``kind``: unreachable / timeout / bad_key / no_tools /
    no_model / rate_limited / server / broken / bad_request / error; ``partial``: the text that
    had arrived when the server broke off."""

    def __init__(self, kind: str, message: str, *, partial: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.partial = partial
        self.status = status

    def __repr__(self) -> str:
        return f"LlmError(kind={self.kind!r}, message={str(self)!r})"


def scrub(text: str, key: str | None) -> str:
    if key:
        text = text.replace(key, "***")
    return _KEYISH.sub("***", text)


def server_words(err: openai.APIStatusError, key: str | None) -> str:
    body: Any = err.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        body = inner.get("message", inner) if isinstance(inner, dict) else inner
    text = str(body) if body else err.response.reason_phrase
    return scrub(" ".join(text.split())[:240], key)


def _is_no_tools(words: str) -> bool:
    low = words.lower()
    return "jinja" in low or ("tool" in low and any(w in low for w in ("support", "param", "auto-tool", "enable")))


def to_llm_error(
    err: Exception,
    *,
    url: str,
    model: str,
    key: str | None,
    timeout_s: float,
    partial: str = "",
    started: bool = False,
    tries: int = 1,
) -> LlmError:
    """The plain-words error for an SDK error (``partial``: text streamed before it)."""
    import openai  # the SDK loads when a coach turn needs it, not with the engine (~0.5 s)

    if isinstance(err, openai.APITimeoutError):
        return LlmError("timeout", f"The model did not answer within {timeout_s:g} s ({url}).", partial=partial)
    if isinstance(err, openai.APIConnectionError):
        if started or partial:
            return LlmError("broken", "The server broke off the reply; what arrived is kept.", partial=partial)
        return LlmError("unreachable", f"No server answered at {url}. Is it running?")
    if not isinstance(err, openai.APIStatusError):
        return LlmError("error", f"The model's answer could not be read ({type(err).__name__}).", partial=partial)
    return _status_error(err.status_code, server_words(err, key), url=url, model=model, key=key, tries=tries)


def _status_error(status: int, words: str, *, url: str, model: str, key: str | None, tries: int) -> LlmError:
    if status in (401, 403):
        hint = "none is set" if not key else "check it in Settings"
        return LlmError("bad_key", f"The API key was refused by {url} ({hint}).", status=status)
    if status == 429:
        text = f"The server is rate limiting requests (429, {tries} tries); try again in a minute."
        return LlmError("rate_limited", text, status=status)
    if status in (400, 422) and _is_no_tools(words):
        text = (
            "This model or server does not support tool calls (llama.cpp needs --jinja; "
            f"vLLM needs --enable-auto-tool-choice). The server said: {words}"
        )
        return LlmError("no_tools", text, status=status)
    if status == 404:
        return LlmError("no_model", f"The server at {url} has no model {model!r} ({words}).", status=status)
    if status >= 500:
        return LlmError("server", f"The server failed (HTTP {status}, {tries} tries): {words}", status=status)
    return LlmError("bad_request", f"The server refused the request (HTTP {status}): {words}", status=status)


def retryable(err: Exception) -> bool:
    import openai

    if isinstance(err, openai.APITimeoutError):
        return False  # the trader already waited the whole timeout
    return isinstance(err, openai.APIConnectionError | openai.RateLimitError | openai.InternalServerError)


def backoff_s(attempt: int, err: Exception) -> float:
    """Exponential with jitter, or what the server asked for (``Retry-After``), at most RETRY_CAP_S."""
    asked = _retry_after(err)
    if asked is not None:
        return min(max(asked, 0.0), RETRY_CAP_S)
    return min(RETRY_BASE_S * 2**attempt, RETRY_CAP_S) * (0.75 + 0.25 * random())


def _retry_after(err: Exception) -> float | None:
    response = getattr(err, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return float(value) * scale
        except ValueError:
            pass
    parsed = email.utils.parsedate_tz(headers.get("retry-after") or "")
    return email.utils.mktime_tz(parsed) - time.time() if parsed else None
