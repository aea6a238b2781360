"""More charts than the one: View → New chart opens another (any number), each with its own symbol
or link group, timeframe, overlays and panes. Which charts a layout has (and each one's group,
own symbol and timeframe) is saved inside the layout's state bytes, ahead of Qt's, so a layout
restored before the first paint can make their docks first."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDockWidget

from app.ui.panels import PanelSpec

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow
    from app.ui.panel_host import PanelHost

MAGIC = b"AICOACH-CHARTS1\n"
MAIN = "chart"


def wrap(charts: list[dict], state: bytes) -> bytes:
    blob = json.dumps(charts, separators=(",", ":")).encode()
    return MAGIC + len(blob).to_bytes(4, "big") + blob + state


def unwrap(data: bytes) -> tuple[list[dict] | None, bytes]:
    """``(charts, Qt's state)``; ``None`` for a layout saved before charts were listed in it."""
    if not data.startswith(MAGIC):
        return None, data
    start = len(MAGIC) + 4
    size = int.from_bytes(data[len(MAGIC):start], "big")
    try:
        charts = json.loads(data[start:start + size])
    except ValueError:
        return None, data[start + size:]
    return (charts if isinstance(charts, list) else None), data[start + size:]


class ExtraCharts:
    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._host: PanelHost | None = None
        self._pending: dict[str, dict] = {}  # docks made before the panels could be (layout at start)
        self.controllers: dict[str, object] = {}
        self._main_entry: dict | None = None  # the main chart's saved group, applied once it is built
        # the options panels' groups in the layout being applied (None: no layout to apply), once they are built
        self._options_groups: dict[str, str] | None = None

    def names(self) -> list[str]:
        return [n for n in self._window.docks if n.startswith(f"{MAIN}_")]

    def attach(self, host: PanelHost) -> None:
        """The panels can be made now: fill the docks made before."""
        self._host = host
        for name, entry in list(self._pending.items()):
            self._build(name, entry)
        self._pending.clear()
        self._apply_main()
        self._apply_options()
        window = self._window
        window.panel_built.connect(lambda _name: (self._apply_main(), self._apply_options(missing_to_main=False)))

    def add(self, entry: dict | None = None) -> QDockWidget:
        entry = dict(entry or {})
        name = entry.get("name") or self._free_name()
        entry["name"] = name
        dock = self._window.docks.get(name)
        if dock is None:
            number = name.rsplit("_", 1)[-1]
            spec = PanelSpec(name, f"Chart {number}", "right", "")
            dock = self._window.add_dock(spec)
        if self._host is None:
            self._pending[name] = entry
        elif name not in self.controllers:
            self._build(name, entry)
        return dock

    def _free_name(self) -> str:
        n = 2
        while f"{MAIN}_{n}" in self._window.docks:
            n += 1
        return f"{MAIN}_{n}"

    def _build(self, name: str, entry: dict) -> None:
        from app.ui.controllers.chart import ChartController
        from app.ui.controllers.chart_journal import ChartJournal
        from app.ui.controllers.chart_link import ChartLink
        from app.ui.controllers.chart_provider_indicators import ChartProviderIndicators
        from widgets.chart.chart_panel import ChartPanel

        panel = ChartPanel()
        panel.setObjectName(f"{name}_panel")
        link = ChartLink(self._host, name, entry.get("group", "red"), entry.get("symbol"), entry.get("timeframe"),
                         parent=panel)
        link.shown = entry["shown"] if isinstance(entry.get("shown"), list) else None
        self.controllers[name] = ChartController(self._host, panel, link, primary=False)
        ChartJournal(self._host, panel)
        ChartProviderIndicators(self._host, panel)
        self._window.docks[name].setWidget(panel)
        self._window.panels.add(name, panel)

    def manifest(self) -> list[dict]:
        """Each chart's link group, own symbol, timeframe and overlays (the main one first)."""
        out = []
        for name in [MAIN, *self.names()]:
            controller = self._controller(name)
            if controller is None:  # (not built yet: what the layout said of it)
                out.append(self._pending.get(name) or (name == MAIN and self._main_entry) or {"name": name})
                continue
            link, panel = controller.link, controller.panel
            out.append({"name": name, "group": link.group, "symbol": link.own if not link.group else None,
                        "timeframe": panel.timeframe.value, "shown": list(panel.view_options.shown())})
        links = self._option_links()
        out += [{"options": name, "group": link.group} for name, link in sorted(links.items())]
        out += [{"options": name, "group": group} for name, group in sorted((self._options_groups or {}).items())
                if name not in links]  # panels not built yet keep the group the layout gave them
        return out

    def _option_links(self) -> dict:
        """The options panels' links by dock name ("gex", …)."""
        links = getattr(self._host, "option_links", {}).values()
        return {link.parent().objectName().removesuffix("_panel"): link for link in links}

    def main(self):
        """The main chart's controller (None until the panels are built)."""
        return getattr(self._host, "main_chart", None)

    def _controller(self, name: str):
        return self.main() if name == MAIN else self.controllers.get(name)

    def ensure(self, charts: list[dict]) -> None:
        """Make the docks a layout lists (before Qt restores their places) and set the main chart's group."""
        self._options_groups = {str(e["options"]): str(e.get("group", "")) for e in charts
                                if isinstance(e, dict) and "options" in e}  # (none listed: all red)
        self._apply_options()
        for entry in charts:
            if not isinstance(entry, dict) or "options" in entry:
                continue
            if str(entry.get("name", "")).startswith(f"{MAIN}_"):
                self.add(entry)
            elif entry.get("name") == MAIN:
                self._main_entry = entry
                self._apply_main()

    def _apply_options(self, missing_to_main: bool = True) -> None:
        """The options panels' saved link groups, to each once its link exists (an unknown group is
        skipped); a built panel the layout does not list joins the main group (a layout from before)."""
        links = self._option_links() if self._host is not None else {}
        if self._options_groups is None or not links:
            return
        from data.store.preference_specs import LINK_GROUPS  # (not before the first paint: ~12 ms)

        for name, link in links.items():
            if name not in self._options_groups and not missing_to_main:
                continue
            group = self._options_groups.pop(name, LINK_GROUPS[0])
            if group in LINK_GROUPS and group != link.group:
                link.restore(group, None)
                link.parent().link_button.set_group(group)

    def _apply_main(self) -> None:
        """The main chart's saved group, timeframe and overlays (once its controller exists)."""
        controller, entry = self._controller(MAIN), self._main_entry
        if controller is None or entry is None:
            return
        self._main_entry = None
        controller.link.timeframe = entry.get("timeframe")
        if isinstance(entry.get("shown"), list):
            controller.link.shown = entry["shown"]
            controller.panel.view_options.show_only(entry["shown"])
        group = entry.get("group", "red")
        if group != controller.link.group or entry.get("symbol"):
            controller.link.restore(group, entry.get("symbol"))
            controller.link_button.set_group(group)
        if entry.get("timeframe") and controller.panel.bar_count:
            controller.panel.set_timeframe(entry["timeframe"])
            controller.load()
