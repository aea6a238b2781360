"""The window's side of Preferences → Options → "Options panels shown": ``ShowPanel`` shows or closes a
dock (as the View menu's toggles do: saved with the layout), and each toggle of a dock is told back as
``PanelShownChanged`` (closing a dock unticks its box)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.ui.intents import PanelShownChanged, ShowPanel

if TYPE_CHECKING:
    from app.ui.intents import Intents
    from app.ui.main_window import MainWindow


def wire_panel_toggles(window: MainWindow, intents: Intents) -> None:
    def show(intent: ShowPanel) -> None:
        dock = window.docks.get(intent.name)
        if dock is None:
            return
        if intent.shown:
            dock.show()
            dock.raise_()
        else:
            dock.close()

    def announce_all(*_built: str) -> None:
        for name, dock in window.docks.items():
            intents.request(PanelShownChanged(name, dock.toggleViewAction().isChecked()))

    intents.handle(ShowPanel, show)
    for name, dock in window.docks.items():
        dock.toggleViewAction().toggled.connect(lambda on, n=name: intents.request(PanelShownChanged(n, on)))
    announce_all()
    window.panel_built.connect(announce_all)  # (the panel that shows them may be built only now)
