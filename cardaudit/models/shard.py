"""One shard of an organisation's accounts: `--shard i/n`, stable by account id.

An account belongs to shard `sha256(account id) mod n + 1`. That depends on the account id and
`n` only: an account added to (or closed in) the organisation never moves another account to a
different shard, which a round robin over the sorted list would do. Shards are uneven for a few
accounts (hashing balances only on average); with hundreds they differ by a few percent.
"""

from __future__ import annotations

import hashlib
import re

from pydantic import model_validator

from cardaudit.models.base import Frozen

_SHARD = re.compile(r"^\s*(\d{1,4})\s*/\s*(\d{1,4})\s*$")


class Shard(Frozen):
    index: int  # 1-based: shard 1 of n ... shard n of n
    count: int

    @model_validator(mode="after")
    def _in_range(self) -> Shard:
        if not 1 <= self.index <= self.count:
            raise ValueError(f"shard {self.index}/{self.count}: expected i/n with 1 <= i <= n")
        return self

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`"2/5"` -> Shard(index=2, count=5); ValueError for anything else."""
        match = _SHARD.match(text)
        index, count = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        if not 1 <= index <= count:
            raise ValueError(f"'{text}' is not a shard: expected I/N with 1 <= I <= N, e.g. 2/5")
        return cls(index=index, count=count)

    @staticmethod
    def number_of(account: str, count: int) -> int:
        """The 1-based shard `account` falls in, out of `count`."""
        return int(hashlib.sha256(account.encode()).hexdigest(), 16) % count + 1

    def owns(self, account: str) -> bool:
        return self.number_of(account, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
