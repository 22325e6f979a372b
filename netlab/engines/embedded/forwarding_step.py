"""One forwarding step: what a node does with a packet for a destination address.

Shared by BGP session establishment (TCP over the IGP FIB), traceroute,
reachability and utilisation. At node ``n`` for destination ``d``:

1. ``d`` is an address of an up interface of ``n`` → ``ACCEPTED``;
2. no route → ``NO_ROUTE``; a discard route → ``NULL_ROUTED``, except the
   discard *anchor* of a BGP network ``n`` originates: the address space behind
   ``n`` (a site, an external network) is outside the snapshot, so the flow
   ``EXITS_NETWORK`` there (Batfish reports ``NULL_ROUTED``; docs/engines.md);
3. otherwise each ECMP forward leaves by an interface toward a next hop (the
   gateway, or ``d`` itself when on-link). The layer-1 peer of that interface
   must own the next hop on the facing interface: then the packet continues
   there. A peer outside the snapshot → ``EXITS_NETWORK``; an on-link
   destination nobody owns → ``DELIVERED_TO_SUBNET``; a dead peer, a peer
   interface that is down, or a next hop the peer does not own →
   ``NEIGHBOR_UNREACHABLE``.
"""

from __future__ import annotations

from dataclasses import dataclass

from netlab.engines.base import FlowDisposition, Hop, IPAddress
from netlab.engines.embedded.fib import Fib
from netlab.engines.embedded.inventory import Inventory

__all__ = ["Branch", "step"]


@dataclass(frozen=True, slots=True)
class Branch:
    """One outcome of a step: continue at ``next_node`` or end with ``disposition``."""

    hop: Hop  # this node's hop (ingress filled in by the caller)
    next_node: int | None = None
    next_ingress: str | None = None
    disposition: FlowDisposition | None = None


def _owns(inv: Inventory, node: str, ip: IPAddress) -> bool:
    port = inv.owner(ip)
    return port is not None and port[0] == node and port in inv.up_ports


def step(inv: Inventory, fib: Fib, node: int, dst: IPAddress) -> tuple[Branch, ...]:
    """Every way ``node`` handles a packet to ``dst`` (one branch per ECMP forward)."""
    name = inv.names[node]
    if not inv.alive(name):
        return (Branch(Hop(name), disposition=FlowDisposition.NEIGHBOR_UNREACHABLE),)
    if _owns(inv, name, dst):
        return (Branch(Hop(name), disposition=FlowDisposition.ACCEPTED),)
    entry = fib.lookup(node, dst)
    if entry is None:
        return (Branch(Hop(name), disposition=FlowDisposition.NO_ROUTE),)
    if entry.discard:
        disp = FlowDisposition.EXITS_NETWORK if entry.anchor else FlowDisposition.NULL_ROUTED
        return (Branch(Hop(name, network=entry.network, protocol=entry.protocol),
                       disposition=disp),)
    out: list[Branch] = []
    for f in entry.forwards:
        target = f.next_hop_ip if f.next_hop_ip is not None else dst
        hop = Hop(name, network=entry.network, protocol=entry.protocol,
                  egress_interface=f.interface, next_hop_ip=f.next_hop_ip)
        peer = inv.layer1_peer.get((name, f.interface))
        if peer is None:
            disp = (FlowDisposition.DELIVERED_TO_SUBNET
                    if target == dst and inv.owner(dst) is None
                    else FlowDisposition.NEIGHBOR_UNREACHABLE)
            out.append(Branch(hop, disposition=disp))
            continue
        if peer[0] not in inv.configs:
            out.append(Branch(hop, disposition=FlowDisposition.EXITS_NETWORK))
            continue
        if peer not in inv.up_ports:
            out.append(Branch(hop, disposition=FlowDisposition.NEIGHBOR_UNREACHABLE))
            continue
        if inv.owner(target) == peer:
            out.append(Branch(hop, next_node=inv.index[peer[0]], next_ingress=peer[1]))
        elif target == dst and inv.owner(dst) is None:
            out.append(Branch(hop, disposition=FlowDisposition.DELIVERED_TO_SUBNET))
        else:
            out.append(Branch(hop, disposition=FlowDisposition.NEIGHBOR_UNREACHABLE))
    return tuple(out)
