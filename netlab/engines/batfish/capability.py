"""What Batfish can grade faithfully: the capability matrix, per fault type and vendor.

Facts read from Batfish's source (2026; DESIGN.md "Engines and what each can
see"), with the file that shows each:

* IS-IS is modelled faithfully only for Junos. IOS-XR reads ``isis metric``
  only under ``interface`` (IOS syntax, ``CiscoXr_interface.g4``), so the
  metrics netlab configures under ``router isis`` are ignored — every cost is
  10. IOS-XR and EOS have no IS-IS overload; Junos's overload only marks the
  routes (``setOverloadOnAllRoutes``), transit is not avoided. EOS interface
  IS-IS needs a 2026 release. MTU, hello authentication and network type are
  never checked. Passive interfaces are advertised at metric 0
  (``VirtualRouter``: ``PASSIVE ? 0 : cost``).
* Stand-alone FRR configs are ``UNSUPPORTED`` (``VendorConfigurationFormatDetector``):
  an FRR router is missing from Batfish's model altogether.
* BGP: a shut-down neighbor is dropped from the model on all three vendors
  (``CiscoXrConfiguration``, ``AristaBgpConcreteNeighbor``; Junos ``inactive:``
  is pruned), so its row disappears and the far end is ``HALF_OPEN``. A dead
  router's addresses belong to no active interface: sessions to it are
  ``NOT_COMPATIBLE``, not ``NOT_ESTABLISHED``. TCP-MD5 passwords and
  maximum-prefix limits are not modelled. Only ``BEST``/``BACKUP`` paths are
  listed (netlab's ``INACCESSIBLE`` is its own). IPv4 only.

:data:`MATRIX` gives a :class:`Capability` per (fault type, vendor);
:func:`batfish_can_grade` applies it to a drill (or a list of faults on a
network state), together with the network-wide limits of
:mod:`~netlab.engines.batfish.caveats`. Where a fault type's ``observers``
already exclude Batfish, the matrix agrees (a test pins it).

A drill can be graded by Batfish when no real fault and nothing in the network
is ``NOT_MODELLED`` and no check asks about rows that differ. A red herring
Batfish cannot see changes the rows of its symptoms, so it is a difference,
not a blocker. Without checks (faults only), differences are reported, not
counted against.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from netlab.engines.base import Question
from netlab.errors import EngineError, NetlabError
from netlab.faults import CATALOGUE, FaultRecord, NetworkState, Symptom
from netlab.faults.base import Engine
from netlab.model.types import Vendor

if TYPE_CHECKING:
    from netlab.scenario.drill import Drill
    from netlab.scenario.schema import CheckSpec

__all__ = [
    "MATRIX",
    "SYMPTOM_QUESTIONS",
    "UNASSESSED",
    "Capability",
    "Difference",
    "Finding",
    "Gradability",
    "Verdict",
    "assess_fault",
    "batfish_can_grade",
    "capability",
    "check_differences",
]


class Verdict(StrEnum):
    """How Batfish's grade compares with the embedded engine's (worst last)."""

    FAITHFUL = "faithful"  # same rows, same grade
    DIFFERS = "differs"  # Batfish sees the fault, but some rows differ (see the differences)
    NOT_MODELLED = "not-modelled"  # Batfish cannot see the fault: it would grade wrongly

    @property
    def rank(self) -> int:
        return list(Verdict).index(self)


@dataclass(frozen=True, slots=True)
class Difference:
    """Where Batfish's answer to ``question`` differs from the embedded engine's.

    ``fields`` are the row fields whose values differ (empty: whole rows appear
    in one engine only); ``ipv6_only`` limits it to IPv6 rows.
    """

    question: Question
    fields: frozenset[str] = frozenset()
    ipv6_only: bool = False

    def describe(self) -> str:
        what = ", ".join(sorted(self.fields)) if self.fields else "rows"
        return f"{self.question.value} ({what}{', IPv6 only' if self.ipv6_only else ''})"


@dataclass(frozen=True, slots=True)
class Capability:
    """Can Batfish grade one fault type on one vendor: verdict, why, and what differs."""

    verdict: Verdict
    reason: str
    differences: tuple[Difference, ...] = ()


_FLOWS = (Question.TRACEROUTE, Question.REACHABILITY, Question.DIFFERENTIAL_REACHABILITY)

SYMPTOM_QUESTIONS: Mapping[Symptom, tuple[Question, ...]] = {
    Symptom.LAYER1: (Question.LAYER3_EDGES,),
    Symptom.ISIS_ADJACENCY: (Question.ISIS_ADJACENCIES,),
    Symptom.ISIS_ROUTES: (Question.ISIS_ROUTES, Question.ROUTES, *_FLOWS),
    Symptom.BGP_SESSION: (Question.BGP_SESSION_STATUS, Question.BGP_SESSION_COMPATIBILITY),
    Symptom.BGP_ROUTES: (Question.BGP_RIB, Question.ROUTES, *_FLOWS),
    Symptom.REACHABILITY: _FLOWS,
    Symptom.UTILISATION: (),  # linkUtilisation is the embedded engine's in both
    Symptom.INTERFACE_ERRORS: (),  # evidence only
}
"""The questions whose rows a fault with each symptom changes."""

FRR = Capability(Verdict.NOT_MODELLED, "Batfish does not read stand-alone FRR configs "
                 "(its format detector marks 'frr' UNSUPPORTED)")
_OK = Capability(Verdict.FAITHFUL, "")
_JUNOS_ISIS = "Batfish models IS-IS faithfully only on Junos"

# fault type → {vendor: capability}; vendors not listed are FAITHFUL (FRR: see FRR).
_RULES: dict[str, dict[Vendor, Capability]] = {
    "link-down": {},
    "linecard-failure": {},
    "srlg-cut": {},
    "interface-admin-down": {},
    "node-down": {v: Capability(
        Verdict.DIFFERS, "Batfish deactivates the router: no active interface owns its "
        "addresses, so sessions to and on it are NOT_COMPATIBLE where routers (and the "
        "embedded engine) say NOT_ESTABLISHED",
        (Difference(Question.BGP_SESSION_STATUS, frozenset({"established_status",
                                                            "remote_node"})),
         Difference(Question.BGP_SESSION_COMPATIBILITY, frozenset({"configured_status",
                                                                   "remote_node"}))))
        for v in (Vendor.JUNOS, Vendor.IOSXR, Vendor.EOS)},
    "link-flap": {v: Capability(Verdict.NOT_MODELLED, "time-varying: the snapshot keeps the "
                                "link up, only the evidence shows the flaps") for v in Vendor},
    "optic-degrade": {v: Capability(Verdict.NOT_MODELLED, "time-varying: the snapshot keeps "
                                    "the link up, only the evidence shows the errors")
                      for v in Vendor},
    "isis-metric": {Vendor.IOSXR: Capability(
        Verdict.NOT_MODELLED, "Batfish ignores IOS-XR IS-IS metrics set under 'router isis' "
        "(every cost is 10)")},
    "isis-overload": {
        Vendor.JUNOS: Capability(Verdict.NOT_MODELLED, "Batfish's Junos overload only marks "
                                 "the routes; transit through the router is not avoided"),
        Vendor.IOSXR: Capability(Verdict.NOT_MODELLED, "Batfish has no IOS-XR IS-IS overload"),
        Vendor.EOS: Capability(Verdict.NOT_MODELLED, "Batfish has no EOS IS-IS overload")},
    "isis-passive": {
        Vendor.JUNOS: Capability(
            Verdict.DIFFERS, "Batfish advertises the passive interface's prefix at metric 0",
            (Difference(Question.ISIS_ROUTES, frozenset({"metric"})),
             Difference(Question.ROUTES, frozenset({"metric"})))),
        Vendor.IOSXR: Capability(Verdict.NOT_MODELLED, _JUNOS_ISIS),
        Vendor.EOS: Capability(Verdict.NOT_MODELLED, _JUNOS_ISIS)},
    "isis-mtu-mismatch": {v: Capability(Verdict.NOT_MODELLED, "Batfish does not check MTU")
                          for v in Vendor},
    "isis-auth-mismatch": {v: Capability(Verdict.NOT_MODELLED, "Batfish does not check IS-IS "
                                         "hello authentication") for v in Vendor},
    "bgp-remote-as": {},
    "bgp-neighbor-typo": {},
    "bgp-update-source": {},
    "bgp-next-hop-self": {v: Capability(
        Verdict.DIFFERS, "Batfish lists no path whose next hop cannot be resolved; netlab "
        "lists them as INACCESSIBLE", (Difference(Question.BGP_RIB, frozenset({"status"})),))
        for v in (Vendor.JUNOS, Vendor.IOSXR, Vendor.EOS)},
    "bgp-rr-client": {},
    "bgp-import-deny": {},
    "bgp-leak": {},
    "bgp-local-pref": {},
    "bgp-max-prefix": {v: Capability(Verdict.NOT_MODELLED, "Batfish does not enforce "
                                     "maximum-prefix limits") for v in Vendor},
    "bgp-shutdown": {v: Capability(
        Verdict.DIFFERS, "Batfish drops a shut-down neighbor from its model: that row "
        "disappears and the far end is HALF_OPEN / NOT_COMPATIBLE, not NOT_ESTABLISHED",
        (Difference(Question.BGP_SESSION_STATUS),
         Difference(Question.BGP_SESSION_COMPATIBILITY)))
        for v in (Vendor.JUNOS, Vendor.IOSXR, Vendor.EOS)},
    "bgp-password": {v: Capability(Verdict.NOT_MODELLED, "Batfish does not compare TCP-MD5 "
                                   "passwords") for v in Vendor},
}
for _name in ("isis-level-mismatch", "isis-area-mismatch", "isis-not-enabled"):
    _RULES[_name] = {Vendor.IOSXR: Capability(Verdict.NOT_MODELLED, _JUNOS_ISIS),
                     Vendor.EOS: Capability(Verdict.NOT_MODELLED, _JUNOS_ISIS)}


UNASSESSED = Capability(Verdict.NOT_MODELLED, "not yet assessed for Batfish (add it to the "
                        "capability matrix)")


def _build() -> dict[str, dict[Vendor, Capability]]:
    """Every catalogue fault and vendor; a fault type without a rule is not graded by Batfish
    until someone places it in the matrix deliberately (a test lists such types)."""
    out = {}
    for name in CATALOGUE:
        rules = _RULES.get(name)
        out[name] = {v: (UNASSESSED if rules is None else rules.get(
            v, FRR if v is Vendor.FRR else _OK)) for v in Vendor}
    return out


MATRIX: Mapping[str, Mapping[Vendor, Capability]] = _build()
"""fault type → vendor → :class:`Capability` (every catalogue fault, every vendor)."""


def capability(fault: str, vendor: Vendor) -> Capability:
    """The matrix entry; KeyError for an unknown fault type."""
    return MATRIX[fault][vendor]


# -- applying the matrix ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found about grading with Batfish; ``blocking`` ones forbid it."""

    subject: str
    verdict: Verdict
    reason: str
    differences: tuple[Difference, ...] = ()
    blocking: bool = False

    def __str__(self) -> str:
        text = f"{self.subject}: {self.verdict.value}"
        if self.reason:
            text += f": {self.reason}"
        if self.differences:
            text += " [differs: " + "; ".join(d.describe() for d in self.differences) + "]"
        return text


@dataclass(frozen=True, slots=True)
class Gradability:
    """Whether Batfish can grade a drill, and why; unpacks as ``ok, reasons``."""

    ok: bool
    findings: tuple[Finding, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every finding as text, blocking ones first."""
        ordered = sorted(self.findings, key=lambda f: not f.blocking)
        return tuple(str(f) for f in ordered)

    def __iter__(self) -> Iterator[Any]:
        yield self.ok
        yield self.reasons


def _routers(record: FaultRecord, state: NetworkState) -> list[str]:
    """The routers a fault involves: its location's routers and both ends of its links."""
    names = list(record.location.routers)
    for lid in record.location.links:
        link = state.network.links.get(lid)
        if link is not None:
            names += [link.a.router, link.b.router]
    return [n for n in dict.fromkeys(names) if n in state.configs]


def assess_fault(record: FaultRecord, state: NetworkState, *, red_herring: bool = False
                 ) -> Finding:
    """The matrix verdict for one applied fault: the worst over the vendors it involves."""
    subject = f"{'red herring' if red_herring else 'fault'} {record.type} at " \
              f"{record.location.describe()}"
    fault = CATALOGUE.get(record.type)
    if fault is None:
        return Finding(subject, Verdict.NOT_MODELLED, "unknown fault type", (), not red_herring)
    routers = _routers(record, state)
    caps = [(r, MATRIX[record.type][state.configs[r].vendor]) for r in routers]
    worst = max(caps, key=lambda rc: rc[1].verdict.rank, default=None)
    cap = worst[1] if worst is not None else _OK
    reason = cap.reason + (f" ({worst[0]} is {state.configs[worst[0]].vendor.value})"
                           if worst is not None and cap.reason else "")
    try:
        seen = Engine.BATFISH in fault.observers(state, record.params)
    except NetlabError:
        seen = True
    if not seen and cap.verdict is not Verdict.NOT_MODELLED:
        cap = Capability(Verdict.NOT_MODELLED, "the fault type declares Batfish cannot see it")
        reason = cap.reason
    if cap.verdict is Verdict.NOT_MODELLED and red_herring:
        diffs = tuple(Difference(q) for s in sorted(fault.symptoms)
                      for q in SYMPTOM_QUESTIONS[s])
        return Finding(subject, Verdict.DIFFERS, f"Batfish does not see this noise: {reason}",
                       tuple(dict.fromkeys(diffs)))
    return Finding(subject, cap.verdict, reason, cap.differences,
                   cap.verdict is Verdict.NOT_MODELLED)


def _keys(pattern: Any) -> set[str]:
    if isinstance(pattern, Mapping):
        out = {str(k) for k in pattern}
        for v in pattern.values():
            out |= _keys(v)
        return out
    if isinstance(pattern, list):
        return set().union(*(_keys(v) for v in pattern)) if pattern else set()
    return set()


def _pins_ipv4(pattern: Any) -> bool:
    """Whether a row selector names an IPv4 address or prefix (so IPv6 rows are excluded)."""
    from ipaddress import ip_network

    if isinstance(pattern, Mapping):
        return any(_pins_ipv4(v) for v in pattern.values())
    if isinstance(pattern, str):
        try:
            return ip_network(pattern, strict=False).version == 4
        except ValueError:
            return False
    return False


def check_differences(check: CheckSpec, differences: Sequence[Difference]
                      ) -> tuple[Difference, ...]:
    """The differences that can change ``check``'s result."""
    try:
        question = Question.parse(check.question)
    except EngineError:
        return ()
    exp = check.expect
    mentioned = _keys(check.where) | _keys(exp.all) | _keys(exp.any) | _keys(exp.none)
    out = []
    for d in differences:
        if d.question is not question or (d.ipv6_only and _pins_ipv4(check.where)):
            continue
        if not d.fields or d.fields & mentioned:
            out.append(d)
    return tuple(out)


def batfish_can_grade(subject: Drill | Sequence[FaultRecord | Mapping[str, Any]],
                      state: NetworkState | None = None, *,
                      batfish_version: str | None = None) -> Gradability:
    """Can Batfish grade this drill (or these faults on ``state``) as the embedded engine does?

    ``subject`` is a loaded :class:`~netlab.scenario.drill.Drill` (its faulted
    state and checks are used; ``state`` overrides the state) or applied faults
    (:class:`FaultRecord` or their JSON) with the ``state`` they were applied to.
    ``batfish_version`` (e.g. from ``netlab engine status``) enables the
    release-dependent rules. Returns a :class:`Gradability` (``ok, reasons``).
    """
    from netlab.engines.batfish.caveats import network_findings
    from netlab.scenario.drill import Drill

    checks: tuple[CheckSpec, ...] = ()
    if isinstance(subject, Drill):
        state = state if state is not None else subject.faulted
        herrings = [f.red_herring for f in subject.spec.faults]
        faults = list(zip(state.faults, herrings + [False] * len(state.faults), strict=False))
        checks = tuple(subject.spec.checks)
    else:
        if state is None:
            raise EngineError("batfish_can_grade: faults need the network state they apply to")
        faults = [(f if isinstance(f, FaultRecord) else FaultRecord.from_json(f), False)
                  for f in subject]
    findings = list(network_findings(state.configs, batfish_version))
    findings = [Finding(f.subject, f.verdict, f.reason, f.differences,
                        f.verdict is Verdict.NOT_MODELLED) for f in findings]
    findings += [assess_fault(rec, state, red_herring=herring) for rec, herring in faults]
    differences = [d for f in findings if f.verdict is Verdict.DIFFERS for d in f.differences]
    for check in checks:
        hit = check_differences(check, differences)
        if hit:
            findings.append(Finding(f"check {check.name!r}", Verdict.DIFFERS,
                                    "asks about rows Batfish answers differently", hit, True))
    return Gradability(not any(f.blocking for f in findings), tuple(findings))
