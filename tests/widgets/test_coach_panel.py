"""The Coach panel: a reply streamed in pieces (rendered on a throttle, not per piece), its numbers
not from data marked and counted, tool results as cards whose buttons emit their actions, the
conversations list (new, rename, delete with a confirm), Enter sends and Shift+Enter does not."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from data.coach import Card, CardAction, CoachMessage, Conversation, Grounding, ToolCallRecord
from widgets.coach.panel import NOT_FROM_DATA, UNGROUNDED_COLOR, CoachPanel

T = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
ACTION = CardAction("Show on chart", "chart_levels", {"symbol": "SPX", "levels": [{"label": "Gamma flip",
                                                                                   "price": 6580.0}]})
GEX = ToolCallRecord("c1", "get_gamma_exposure", {"symbol": "SPX"}, {"flip": 6580.0},
                     Card("gex", "SPX gamma exposure", (("Regime", "positive gamma"), ("Flip", "6,580.00")), (ACTION,)))


def _panel(qtbot) -> CoachPanel:
    panel = CoachPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 500)
    panel.show()
    return panel


def test_a_reply_streams_in_on_a_throttle_then_shows_marked_numbers_and_cards(qtbot) -> None:
    panel = _panel(qtbot)
    bubble = panel.begin_turn("Is SPX in positive gamma?")
    assert panel.streaming and panel.stop_button.isVisible() and not panel.send_button.isVisible()
    panel.add_tool(GEX)
    for piece in ["**SPX** is in ", "positive gamma; ", "the flip is ", "6,580 and ", "42% is used."] * 20:
        panel.append_text(piece)
    assert bubble.renders == 0  # nothing re-rendered per piece
    qtbot.waitUntil(lambda: bubble.renders >= 1, timeout=2000)
    assert bubble.renders <= 2 and "positive gamma" in bubble.browser.toPlainText()
    assert len(bubble.cards) == 1 and bubble.cards[0].lines()["Flip"] == "6,580.00"
    reply = "**SPX** is in positive gamma; the flip is 6,580 and 42% is used."
    grounding = Grounding(2, ("42%",), "**SPX** is in positive gamma; the flip is 6,580 and ⟦42%⟧ is used.")
    panel.finish_turn(CoachMessage(2, 1, "assistant", reply, T, (GEX,), grounding))
    assert not panel.streaming and panel.send_button.isVisible()
    text = bubble.browser.toPlainText()
    assert "⟦" not in text and "42% is used" in text
    doc = bubble.browser.document()
    cursor = doc.find("42%")
    fmt = cursor.charFormat()
    assert fmt.toolTip() == NOT_FROM_DATA and fmt.foreground().color().name() == UNGROUNDED_COLOR
    assert doc.find("6,580").charFormat().toolTip() == ""
    assert doc.find("SPX").charFormat().fontWeight() > 400  # markdown rendered
    assert bubble.count.isVisible() and "1 number not from data" in bubble.count.text()
    with qtbot.waitSignal(panel.action_requested) as emitted:
        bubble.cards[0].click("Show on chart")
    assert emitted.args == [ACTION]


def test_a_failed_turn_says_why_and_keeps_what_streamed(qtbot) -> None:
    panel = _panel(qtbot)
    panel.begin_turn("hello")
    panel.fail_turn("The server refused the API key.")
    assert panel.status.text() == "The server refused the API key." and not panel.streaming
    assert [b.role for b in panel.bubbles] == ["user"]  # the empty reply bubble went
    panel.begin_turn("again")
    panel.append_text("Partly ")
    panel.fail_turn("Stopped.")
    assert panel.bubbles[-1].browser.toPlainText().strip() == "Partly"


def test_stored_messages_and_the_conversations_list(qtbot) -> None:
    panel = _panel(qtbot)
    conversations = [Conversation(2, "SPX gamma", T, T), Conversation(1, "Earnings", T, T)]
    panel.set_conversations(conversations, 2)
    assert panel.current_id == 2 and panel.conversations.count() == 2
    with qtbot.waitSignal(panel.conversation_chosen) as chosen:
        panel.conversations.setCurrentRow(1)
    assert chosen.args == [1]
    panel.ask_title = lambda current: current + " week"
    with qtbot.waitSignal(panel.rename_requested) as renamed:
        panel.rename_button.click()
    assert renamed.args == [1, "Earnings week"]
    panel.confirm = lambda title: False
    with qtbot.assertNotEmitted(panel.delete_requested):
        panel.delete_button.click()
    panel.confirm = lambda title: True
    with qtbot.waitSignal(panel.delete_requested) as deleted:
        panel.delete_button.click()
    assert deleted.args == [1]
    with qtbot.waitSignal(panel.new_requested):
        panel.new_button.click()
    panel.show_messages([CoachMessage(1, 2, "user", "gex SPX", T),
                         CoachMessage(2, 2, "assistant", "Net GEX *positive*.", T, (GEX,), Grounding(0, (), ""))])
    assert [b.role for b in panel.bubbles] == ["user", "assistant"]
    assert panel.bubbles[1].browser.toPlainText().strip() == "Net GEX positive."
    assert len(panel.bubbles[1].cards) == 1 and not panel.bubbles[1].count.isVisible()


def test_enter_sends_and_shift_enter_is_a_new_line(qtbot) -> None:
    panel = _panel(qtbot)
    sent = []
    panel.send_requested.connect(sent.append)
    qtbot.keyClicks(panel.input, "gex SPX")
    qtbot.keyClick(panel.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(panel.input, "and QQQ")
    assert sent == [] and panel.input.toPlainText() == "gex SPX\nand QQQ"
    qtbot.keyClick(panel.input, Qt.Key.Key_Return)
    assert sent == ["gex SPX\nand QQQ"] and panel.input.toPlainText() == ""
    panel.begin_turn("x")
    panel.ask("levels QQQ")  # while answering: kept in the box, not sent
    assert sent == ["gex SPX\nand QQQ"] and panel.input.toPlainText() == "levels QQQ"
