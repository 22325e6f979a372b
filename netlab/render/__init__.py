"""Render vendor-neutral :class:`DeviceConfig` values into vendor config text.

One module per vendor (``netlab.render.<vendor>``) exposes ``render(cfg) -> str``;
its Jinja2 templates live in ``templates/<vendor>/``. :func:`render_config`
dispatches on ``cfg.vendor``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from netlab.errors import RenderError
from netlab.model.device import DeviceConfig
from netlab.model.types import Vendor

__all__ = ["render_config"]


def _renderer(vendor: Vendor) -> Callable[[DeviceConfig], str]:
    try:
        module = importlib.import_module(f"netlab.render.{vendor.value}")
    except ModuleNotFoundError as exc:  # pragma: no cover - all vendors ship
        raise RenderError(f"no renderer for vendor {vendor.value}") from exc
    render: Callable[[DeviceConfig], str] = module.render
    return render


def render_config(cfg: DeviceConfig) -> str:
    """The full config text of ``cfg`` in its vendor's syntax."""
    return _renderer(cfg.vendor)(cfg)
