"""Wire the preferences panel: values from the workspace, changes saved and applied."""

from __future__ import annotations

from app.core import secrets
from app.core.sync.service import SyncError, SyncService
from app.core.workspace import Workspace
from app.ui.intents import PanelShownChanged, ShowPanel
from app.ui.notification_quiet import SNOOZE_KEY, SNOOZE_LABELS, NotificationQuiet
from app.ui.panel_host import PanelHost
from data.providers.errors import ProviderError
from data.providers.registry import available_providers
from data.store import preference_specs
from data.store.preference_specs import OPENING_RANGE_CHOICES, THEMES, TIMEFRAMES
from data.store.records import ALERT_TYPES
from widgets.chart_settings import ChartSettingsRows
from widgets.notification_settings import NotificationSettingsRows
from widgets.options_settings import OptionsSettingsRows
from widgets.preferences_panel import PreferencesPanel

RISK_KEYS = ("risk_mode", "risk_dollars", "account_size", "risk_percent")


async def test_coach(host: PanelHost, panel: PreferencesPanel) -> None:
    """Whether the Preferences' server answers with their model (the key read off the loop)."""
    import asyncio

    from app.core.coach.settings import llm_settings
    from data.llm.client import LlmClient

    settings = await asyncio.to_thread(llm_settings, host.engine.service(Workspace).preferences, secrets.lookup_key)
    if settings is None:
        panel.coach.status.setText("No model named: the coach answers commands (gex SPX, help …).")
        return
    panel.coach.status.setText(f"Asking {settings.url} …")
    client = LlmClient(settings)
    try:
        problem = await client.check()
    finally:
        await client.aclose()
    panel.coach.status.setText(problem or f"{settings.model} answers at {settings.url}.")


def wire_sync(host: PanelHost, panel: PreferencesPanel) -> None:
    """Sign in / out, Sync now, the device list and the conflict log, through the engine's SyncService."""
    rows = panel.sync

    def service() -> SyncService:
        return host.engine.service(SyncService)

    async def refresh_lists() -> None:
        rows.set_conflicts(await service().conflicts())
        try:
            rows.set_devices(await service().devices())
        except SyncError as error:
            rows.status.setText(str(error))

    async def sign_in(server: str, email: str, password: str, create: bool) -> None:
        try:
            rows.set_status(await service().sign_in(server, email, password, create=create))
        except SyncError as error:
            rows.status.setText(str(error))
            return
        await refresh_lists()

    async def sign_out() -> None:
        await service().sign_out()
        rows.set_devices([])
        rows.set_conflicts([])

    async def revoke(device_id: int) -> None:
        await service().revoke(device_id)
        await refresh_lists()

    def status_changed(status) -> None:
        rows.set_status(status)
        if status.state == "synced":
            host.run(refresh_lists(), rows.status.setText)

    _connect_sync(host, rows, sign_in, sign_out, revoke, status_changed, service)


def _connect_sync(host: PanelHost, rows, sign_in, sign_out, revoke, status_changed, service) -> None:
    rows.sign_in_requested.connect(lambda *a: host.run(sign_in(*a), rows.status.setText))
    rows.sign_out_requested.connect(lambda: host.run(sign_out(), rows.status.setText))
    rows.sync_now_requested.connect(lambda: service().kick())
    rows.revoke_requested.connect(lambda device_id: host.run(revoke(device_id), rows.status.setText))
    host.bridge.sync_status_changed.connect(status_changed)
    host.when_engine_ready(lambda: status_changed(service().status))


def risk_note(prefs: dict) -> str:
    risk = preference_specs.risk_per_trade(prefs)
    if risk is None:
        return "Not set: a trade's R comes from its planned stop only."
    percent = prefs.get("risk_mode") == "percent"
    share = f" ({prefs['risk_percent']:g} % of ${prefs['account_size']:,})" if percent else ""
    return f"1R = ${risk:,.2f}{share}: the journal's R of a trade without a planned stop."


def wire_notifications(host: PanelHost, panel: PreferencesPanel) -> NotificationSettingsRows:
    """The "Notifications & risk" rows: checked by the preference's own rules, saved by the workspace."""
    from app.core.notification_rules import describe

    rows = NotificationSettingsRows(preference_specs.NOTIFICATION_KINDS, preference_specs.STRIKE_RANGE_CHOICES,
                                    SNOOZE_LABELS, alert_types=ALERT_TYPES)
    rows.check = preference_specs.validate
    panel.add_section(rows)
    quiet = NotificationQuiet(host)

    def show_state() -> None:
        from app.core.notifications import NotificationService

        prefs = host.engine.service(Workspace).preferences
        rows.set_risk_note(risk_note(prefs))
        rows.snooze_state.setText(describe(prefs, host.engine.service(NotificationService).market_time()))

    async def save(key: str, value: object) -> None:
        await host.engine.service(Workspace).set_preference(key, value)
        if key in RISK_KEYS:  # the journal's R follow
            from app.core.journal.imports import JournalService

            await host.engine.service(JournalService).reload_synced()

    def initial() -> None:
        rows.set_values(host.engine.service(Workspace).preferences)
        show_state()

    rows.preference_changed.connect(lambda key, value: host.run(save(key, value), rows.status.setText))
    rows.snooze_requested.connect(lambda choice: quiet.request_snooze(choice, rows.status.setText))
    host.bridge.preference_changed.connect(
        lambda key, _value: show_state() if key in (*RISK_KEYS, SNOOZE_KEY, "quiet_hours") else None)
    host.when_engine_ready(initial)
    return rows


def wire_chart_settings(host: PanelHost, panel: PreferencesPanel) -> ChartSettingsRows:
    """The "Charts" rows: saved by the workspace (a bad value's message in the panel's status)."""
    rows = ChartSettingsRows()
    panel.add_section(rows)
    rows.preference_changed.connect(lambda key, value: host.run(
        host.engine.service(Workspace).set_preference(key, value), rows.status.setText))
    host.when_engine_ready(lambda: rows.set_values(host.engine.service(Workspace).preferences))
    host.bridge.preference_changed.connect(  # e.g. from another computer, through sync
        lambda key, _v: rows.set_values(host.engine.service(Workspace).preferences)
        if key in ("chart_default_overlays", "symbol_link_target") else None)
    return rows


OPTIONS_PANELS = {"options_chain": "Chain", "gex": "GEX", "heatmap": "Heatmap", "zero_dte": "0DTE", "iv": "IV"}


def wire_options_settings(host: PanelHost, panel: PreferencesPanel) -> OptionsSettingsRows:
    """The "Options" rows: the GEX convention saved by the workspace (the GEX panel follows it); the
    panels' boxes are the window's (``app.ui.options_panel_toggles``)."""
    from widgets.gex_panel import CONVENTIONS

    rows = OptionsSettingsRows(dict(zip(preference_specs.GEX_CONVENTIONS, CONVENTIONS, strict=True)), OPTIONS_PANELS)
    panel.add_section(rows)
    rows.preference_changed.connect(lambda key, value: host.run(
        host.engine.service(Workspace).set_preference(key, value), panel.charts.status.setText))
    host.bridge.preference_changed.connect(
        lambda key, value: rows.set_convention(str(value)) if key == "gex_convention" else None)
    host.when_engine_ready(lambda: rows.set_convention(host.engine.service(Workspace).preferences["gex_convention"]))
    rows.panel_toggled.connect(lambda name, on: host.intents.request(ShowPanel(name, on)))
    host.intents.handle(PanelShownChanged, lambda intent: rows.set_shown(intent.name, intent.shown))
    return rows


def build(host: PanelHost) -> PreferencesPanel:
    panel = PreferencesPanel(THEMES, TIMEFRAMES, available_providers(), OPENING_RANGE_CHOICES)

    def initial() -> None:
        running = host.engine.config.provider
        panel.set_values(host.engine.service(Workspace).preferences, running, str(host.data_dir), str(host.log_file))
        panel.provider_switched(running)  # the running one (a panel built after a switch from the File menu)

    async def switch(name: str) -> None:
        try:
            await host.engine.switch_provider(name)
        except ProviderError as exc:
            panel.provider_failed(str(exc))
            return
        await host.engine.service(Workspace).set_preference("provider", name)
        panel.provider_switched(name)

    def changed(key: str, value: object) -> None:
        if key == "provider":
            host.run(switch(str(value)), panel.provider_failed)
        else:
            host.run(host.engine.service(Workspace).set_preference(key, value))

    async def show_key_status() -> None:
        panel.set_key_status((await secrets.status("massive")).message)
        panel.av_key_status.setText((await secrets.status("alpha_vantage")).message)
        panel.fred_key_status.setText((await secrets.status("fred")).message)
        panel.coach.status.setText((await secrets.status("openai")).message)

    def save_key(key: str) -> None:
        async def run() -> None:
            panel.set_key_status((await secrets.save("massive", key)).message)
            panel.key_saved()  # e.g. massive was picked without a key: switch now

        host.run(run(), panel.set_key_status)

    async def save_av_key(key: str) -> None:
        panel.av_key_status.setText((await secrets.save("alpha_vantage", key)).message)

    async def save_fred_key(key: str) -> None:
        panel.fred_key_status.setText((await secrets.save("fred", key)).message)

    async def save_coach_key(key: str) -> None:
        panel.coach.status.setText((await secrets.save("openai", key)).message)

    panel.preference_changed.connect(changed)
    host.bridge.provider_changed.connect(panel.provider_switched)  # also a switch from the Replay/File menu
    panel.api_key_saved.connect(save_key)
    panel.av_key_saved.connect(lambda key: host.run(save_av_key(key), panel.av_key_status.setText))
    panel.fred_key_saved.connect(lambda key: host.run(save_fred_key(key), panel.fred_key_status.setText))
    panel.coach.preference_changed.connect(lambda key, value: host.run(
        host.engine.service(Workspace).set_preference(key, value), panel.coach.status.setText))
    panel.coach.key_saved.connect(lambda key: host.run(save_coach_key(key), panel.coach.status.setText))
    panel.coach.test_requested.connect(lambda: host.run(test_coach(host, panel), panel.coach.status.setText))
    host.when_engine_ready(initial)
    _add_sections(host, panel)
    host.run(show_key_status(), panel.set_key_status)  # needs no engine: ask the keychain right away
    return panel


def _add_sections(host: PanelHost, panel: PreferencesPanel) -> None:
    wire_sync(host, panel)
    panel.charts = wire_chart_settings(host, panel)
    panel.options = wire_options_settings(host, panel)
    panel.notifications = wire_notifications(host, panel)
