"""What a parser returns: the config plus every line it did not understand."""

from __future__ import annotations

from dataclasses import dataclass

from netlab.model.device import DeviceConfig

__all__ = ["ParseResult", "ParseWarning"]


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """A line the parser kept but did not understand (never silently dropped)."""

    file: str
    line: int
    text: str
    comment: str = "This syntax is unrecognized"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.comment}: {self.text.strip()}"


@dataclass(frozen=True, slots=True)
class ParseResult:
    config: DeviceConfig
    warnings: tuple[ParseWarning, ...] = ()
