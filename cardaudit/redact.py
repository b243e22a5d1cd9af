"""Classify configuration values without keeping them.

Collectors pass every environment value through `shape_of` and store only its shape and length,
so no inventory, report or log can ever contain a secret cardaudit came across.
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
