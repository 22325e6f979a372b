"""Show commands per vendor, generated from the engine's answers on an incident.

:func:`show` reads a line the way the router's platform does (Junos, IOS-XR,
EOS, FRR: abbreviations, ``?``, errors in the platform's words) and prints
what that router would show at the incident's current minute; :func:`commands`
lists a platform's commands for console completion; :func:`prompt` is the
platform's prompt. See :mod:`netlab.evidence.show.dispatch`.
"""

from netlab.evidence.show.dispatch import PLATFORMS, Platform, commands, platform, prompt, show

__all__ = ["PLATFORMS", "Platform", "commands", "platform", "prompt", "show"]
