"""Wire the preferences panel: values from the workspace, changes saved and applied."""

from __future__ import annotations

from app.ui.panel_host import PanelHost
from data.providers.registry import available_providers
from data.store.preference_specs import OPENING_RANGE_CHOICES, THEMES, TIMEFRAMES
from widgets.preferences_panel import PreferencesPanel


def build(host: PanelHost) -> PreferencesPanel:
    panel = PreferencesPanel(THEMES, TIMEFRAMES, available_providers(), OPENING_RANGE_CHOICES)

    def initial() -> None:
        panel.set_values(host.engine.workspace.preferences, host.engine.config.provider,
                         str(host.data_dir), str(host.log_file))

    panel.preference_changed.connect(
        lambda key, value: host.run(host.engine.workspace.set_preference(key, value)))
    host.when_engine_ready(initial)
    return panel
