"""Classify configuration values without keeping them, and take secrets out of free text.

This is the boundary secrets stop at: collectors and parsers pass every value they keep through
here, so no inventory, report or log can contain a secret cardaudit came across.

- A variable's value is stored as its shape (`env_var`): what it looks like, and its length.
- Free text that must keep its structure (a build command, an image name, a user) goes through
  `redact_text`: secret-looking words, values of secret-named flags and assignments, credentials
  in URLs and Authorization headers are replaced by `<redacted:KIND:LENGTH>`.
"""

from __future__ import annotations

import re

from cardaudit.models.inventory import EnvVar, ValueShape

_REFERENCE = re.compile(
    r"^(arn:aws[a-z-]*:|/aws/reference/|\{\{resolve:|\$\{|<[A-Z0-9_]+>$|ssm:|secretsmanager:)"
)
_ACCESS_KEY_ID = re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b")
_SECRET_KEY = re.compile(r"^[A-Za-z0-9/+=]{40}$")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_URL_WITH_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^/:@\s]+:[^/@\s]+@", re.IGNORECASE)
_JWT = re.compile(r"^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")

# Names that say "this is a credential". Matched on word parts so DB_PASS and dbPassword hit
# but PASSPORT_COUNTRY or BYPASS_CACHE do not.
_SECRET_NAME = re.compile(
    r"(^|[_\-.])(pass|passwd|password|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|"
    r"client[_-]?secret|credentials?|auth[_-]?key|access[_-]?key|signing[_-]?key|dsn)($|[_\-.])",
    re.IGNORECASE,
)

# Shapes that are never kept verbatim, whatever the text around them is.
SECRET_SHAPES = frozenset({
    ValueShape.AWS_ACCESS_KEY_ID, ValueShape.AWS_SECRET_KEY, ValueShape.PRIVATE_KEY,
    ValueShape.CONNECTION_STRING, ValueShape.JWT,
})

# A shell word: a quoted string or a run of non-blank characters.
_WORD = r"(?:\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s\"'-]\S*)"
# --password X, --token=X, -p X, -pX (mysql), -u user:pass (curl): the flag stays, the value goes.
_SECRET_FLAG = re.compile(rf"(?P<flag>(?<!\S)--?(?P<name>[A-Za-z][\w.-]*)(?:=|\s+))(?P<value>{_WORD})")
_SHORT_SECRET_FLAGS = frozenset({"p"})
# Flags that name where a secret comes from (--password-stdin, --token-file), not the secret.
_SOURCE_FLAG = re.compile(r"[-_](stdin|file|env|command|cmd)$", re.IGNORECASE)
_ATTACHED_P = re.compile(r"(?P<flag>(?<!\S)-p)(?P<value>[^\s\-]\S*)")
_USER_FLAG = re.compile(r"(?P<flag>(?<!\S)(?:-u|--user)(?:=|\s+)[\"']?[^\s:\"']+:)(?P<value>[^\s\"']+)")
# NAME=value with a credential-like name (export DB_PASS=..., --build-arg NPM_TOKEN=...).
_ASSIGNMENT = re.compile(rf"(?P<flag>(?<![\w$])(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)=)(?P<value>{_WORD})")
_AUTH_HEADER = re.compile(r"(?P<flag>\b(?:authorization|x-api-key|private-token)\s*:\s*(?:(?:bearer|basic|token)\s+)?)"
                          r"(?P<value>[^\s\"']+)", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(?P<flag>\b[a-z][a-z0-9+.-]*://[^/:@\s\"']+:)(?P<value>[^/@\s\"']+)(?=@)", re.IGNORECASE)
_BLANK = re.compile(r"(\s+)")


def _snake(name: str) -> str:
    """dbPassword -> db_Password, so camelCase names split into parts like snake_case ones."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)


def name_looks_secret(name: str) -> bool:
    return bool(_SECRET_NAME.search(_snake(name)))


def shape_of(value: str) -> ValueShape:
    text = value.strip()
    if not text:
        return ValueShape.EMPTY
    if _PRIVATE_KEY.search(text):
        return ValueShape.PRIVATE_KEY
    if _ACCESS_KEY_ID.search(text):
        return ValueShape.AWS_ACCESS_KEY_ID
    if _URL_WITH_PASSWORD.search(text):
        return ValueShape.CONNECTION_STRING
    if _JWT.match(text):
        return ValueShape.JWT
    if _REFERENCE.match(text):
        return ValueShape.REFERENCE
    if _SECRET_KEY.match(text):
        return ValueShape.AWS_SECRET_KEY
    return ValueShape.TEXT


def env_var(name: str, value: str) -> EnvVar:
    return EnvVar(name=name, shape=shape_of(value), length=len(value))


def looks_secret(value: str) -> bool:
    """True for a value whose form alone says it is a credential (a key, a JWT, a URL with a password)."""
    return shape_of(value) in SECRET_SHAPES


def placeholder(value: str) -> str:
    """What is kept of a withheld value: its shape and length, never a character of it."""
    return f"<redacted:{shape_of(value).value}:{len(value)}>"


def _is_reference(value: str) -> bool:
    """A shell expansion ($X, ${X}, $(cmd)) names where a secret comes from; it is not the secret."""
    return value.strip("\"'").startswith("$")


def _withhold(match: re.Match[str]) -> str:
    value = match.group("value")
    kept = _is_reference(value) or value.startswith("<redacted:")  # a placeholder is withheld already
    return match.group("flag") + (value if kept else placeholder(value.strip("\"'")))


def _flag(match: re.Match[str]) -> str:
    name = match.group("name")
    if name in _SHORT_SECRET_FLAGS or (name_looks_secret(name) and not _SOURCE_FLAG.search(name)):
        return _withhold(match)
    return match.group(0)


def _assignment(match: re.Match[str]) -> str:
    return _withhold(match) if name_looks_secret(match.group("name")) else match.group(0)


def _words(text: str) -> str:
    """Each blank-separated word that is secret-shaped on its own becomes a placeholder."""
    parts = _BLANK.split(text)
    for index, word in enumerate(parts):
        if index % 2 == 0 and word and "<redacted:" not in word and looks_secret(word.strip("\"'")):
            parts[index] = placeholder(word.strip("\"'"))
    return "".join(parts)


def redact_text(text: str) -> str:
    """`text` with every secret-looking part replaced, its structure (flags, names, words) kept.

    Safe to run twice: a placeholder is never secret-looking itself.
    """
    if _PRIVATE_KEY.search(text):
        return placeholder(text)  # a key block has no structure worth keeping
    text = _AUTH_HEADER.sub(_withhold, text)
    text = _URL_PASSWORD.sub(_withhold, text)
    text = _USER_FLAG.sub(_withhold, text)
    text = _SECRET_FLAG.sub(_flag, text)
    text = _ATTACHED_P.sub(_withhold, text)
    text = _ASSIGNMENT.sub(_assignment, text)
    return _words(text)


def redact_value(name: str, value: str) -> str | None:
    """`value` when it may be kept verbatim; None when its name or its form says it is a secret."""
    if name_looks_secret(name) and not _is_reference(value) and shape_of(value) != ValueShape.EMPTY:
        return None
    return None if looks_secret(value) else value
