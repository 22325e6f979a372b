"""The map picture's marks: failed elements drawn on top, each with a legend entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from netlab.errors import TopologyError
from netlab.topology.draw import Mark, _marked_links, draw_network
from netlab.topology.files import load_network


def test_marks_expand_srlgs_and_ignore_unknown_names() -> None:
    network = load_network("classic-small")
    srlg, members = next(iter(network.srlgs().items()))
    mark = Mark("cut", srlgs=frozenset({srlg}), links=frozenset({"no-such-link"}))
    assert _marked_links(network, mark) == sorted(members)


def test_draw_with_marks_writes_a_picture(tmp_path: Path) -> None:
    network = load_network("classic-small")
    link = sorted(network.links)[0]
    marks = [Mark("failed", routers=frozenset({"nyc1-pr1"}), links=frozenset({link})),
             Mark("suspect", colour="#ff7f0e", routers=frozenset({"lon1-bb1"}))]
    plain = draw_network(network, tmp_path / "plain.png")
    marked = draw_network(network, tmp_path / "marked.png", marks=marks, title="drill map")
    assert marked.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert marked.read_bytes() != plain.read_bytes()


def test_draw_refuses_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(TopologyError, match="png"):
        draw_network(load_network("classic-small"), tmp_path / "map.gif",
                     marks=[Mark("x", routers=frozenset({"nyc1-pr1"}))])
