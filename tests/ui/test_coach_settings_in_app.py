"""The coach's rows in Preferences, in the running app: a server address and model saved as
preferences (a bad address refused in plain words), Test asking the scripted OpenAI-compatible
server, and with that model configured a question answered through the model."""

from __future__ import annotations

from pathlib import Path

from app.core.coach.service import CoachService
from app.core.workspace import Workspace
from tests.gui_helpers import run_app, settings, until
from tests.llm_server import Reply, ScriptedLlm


def test_the_coach_is_set_up_in_preferences_and_answers_through_the_model(qapp, tmp_path: Path) -> None:
    with ScriptedLlm() as llm:
        async def scenario(c) -> None:
            rows = c.window.panels["preferences"].coach
            workspace = c.engine.service(Workspace)
            rows.base_url.setText("ftp://nowhere")
            rows.base_url.editingFinished.emit()
            await until(lambda: "must start with http" in rows.status.text(), 20)
            assert workspace.preferences["coach_base_url"] == ""
            rows.base_url.setText(llm.base_url)
            rows.base_url.editingFinished.emit()
            rows.model.setText("test-model")
            rows.model.editingFinished.emit()
            await until(lambda: workspace.preferences["coach_model"] == "test-model", 20)
            assert workspace.preferences["coach_base_url"] == llm.base_url
            rows.test.click()
            await until(lambda: "test-model answers at" in rows.status.text(), 20)
            llm.play(Reply(text="Ask me about SPX."))
            service = c.engine.service(CoachService)
            conversation = await service.new()
            message = await service.ask(conversation.id, "hello")
            assert message.content == "Ask me about SPX." and llm.requests[-1]["model"] == "test-model"

        assert run_app(settings(tmp_path), scenario) == 0
