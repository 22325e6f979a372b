"""The console's small shared types: a command's reply, a typing error, the session state."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CommandError", "Reply", "SessionStatus"]


class SessionStatus(StrEnum):
    """Where a drill session is: running until submitted or abandoned."""

    RUNNING = "running"
    SUBMITTED = "submitted"
    ABANDONED = "abandoned"


class CommandError(Exception):
    """A command typed wrongly (usage, unknown name): shown to the trainee, nothing done."""


@dataclass(slots=True)
class Reply:
    """What one command printed, whether it worked, and whether the drill ended.

    Mutable only so the session can append a note (the time limit passing).
    """

    text: str = ""
    ok: bool = True
    finished: bool = False
