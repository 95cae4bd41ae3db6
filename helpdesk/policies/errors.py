"""What can go wrong with policy files and the questions asked of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class PolicyError:
    """One problem in one policy file, at one line and field, worded for the merchant.

    `line` 0 means the whole file (missing, unreadable); `path` "" means no particular field.
    """

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        if not self.path:
            return f"{where}: {self.message}"
        return f"{where}: {self.path} {self.message}"


class PolicyLookupError(LookupError):
    """A question the policies cannot answer, such as a country no market serves."""


class NotServed(PolicyLookupError):
    def __init__(self, file: str, country: str) -> None:
        super().__init__(f"{file}: no market serves country {country!r}")
        self.file = file
        self.country = country


class UnknownName(PolicyLookupError):
    """A shipping option, carrier, payment method, tier or team that the file does not declare."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"unknown {kind} {name!r}")
        self.kind = kind
        self.name = name
