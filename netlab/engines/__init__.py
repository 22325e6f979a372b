"""Analysis engines: one question API (:mod:`netlab.engines.base`), several engines.

``embedded`` (the default grader, in-process) lives in :mod:`netlab.engines.embedded`;
the Batfish and live engines return the same row types.
"""

from netlab.engines.base import Answer, Engine, Question, ask

__all__ = ["Answer", "Engine", "Question", "ask"]
