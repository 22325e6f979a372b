"""Evidence of an incident: what the on-call engineer sees (alerts, logs, show output, counters).

:mod:`netlab.evidence.incident` holds the :class:`~netlab.evidence.incident.Incident`
every evidence module reads; each module is named for what it produces.
"""
