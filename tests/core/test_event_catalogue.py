"""The event catalogue in app/core/events.py is true: read from the code, each event has exactly
the one publisher and the listeners it lists, and every event is listed."""

from __future__ import annotations

import ast
import inspect
from collections import defaultdict
from pathlib import Path

from app.core import events
from tests.conftest import REPO

EVENT_NAMES = {name for name, obj in vars(events).items()
               if inspect.isclass(obj) and issubclass(obj, events.Event) and obj is not events.Event}
SIMPLE = (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)


def _module(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def _method_calls(tree: ast.AST, method: str) -> list[tuple[ast.stmt, ast.Call]]:
    found = []
    for stmt in ast.walk(tree):
        if isinstance(stmt, SIMPLE):
            found += [(stmt, call) for call in ast.walk(stmt) if isinstance(call, ast.Call)
                      and isinstance(call.func, ast.Attribute) and call.func.attr == method and call.args]
    return found


def _published(stmt: ast.stmt, call: ast.Call) -> str:
    arg = call.args[0]
    assert isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name), (
        f"publish with an event built elsewhere (line {stmt.lineno}): publish EventName(...) so the catalogue "
        "can be checked")
    return arg.func.id


def _event_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in EVENT_NAMES}


def _subscribed(stmt: ast.stmt, call: ast.Call, parents: dict[ast.AST, ast.AST]) -> set[str]:
    arg = call.args[0]
    if isinstance(arg, ast.Name) and arg.id in EVENT_NAMES:
        return {arg.id}
    # ``[bus.subscribe(kind, f) for kind in (A, B)]``: the events named in the statement;
    # ``for kind in (A, B): bus.subscribe(kind, f)``: the events of the enclosing loops
    names, node = _event_names(stmt), stmt
    while not names and node in parents:
        node = parents[node]
        if isinstance(node, (ast.For, ast.AsyncFor)):
            names = _event_names(node.iter)
    assert names, (f"line {stmt.lineno}: cannot tell which events this subscribe is for; name the event "
                   "classes in the call, its statement or its loop so the catalogue can be checked")
    return names


def _routes_in_code() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    publishers: dict[str, set[str]] = defaultdict(set)
    listeners: dict[str, set[str]] = defaultdict(set)
    for path in sorted([*REPO.joinpath("app").rglob("*.py"), *REPO.joinpath("widgets").rglob("*.py")]):
        if path.name == "bus.py":
            continue  # the bus itself
        tree, module = ast.parse(path.read_text()), _module(path)
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for stmt, call in _method_calls(tree, "publish"):
            if isinstance(call.func.value, (ast.Name, ast.Attribute)) and "bus" in ast.unparse(call.func.value):
                publishers[_published(stmt, call)].add(module)
        for stmt, call in _method_calls(tree, "subscribe"):
            if "bus" in ast.unparse(call.func.value):
                for name in _subscribed(stmt, call, parents):
                    listeners[name].add(module)
    return publishers, listeners


def test_every_event_is_in_the_catalogue() -> None:
    listed = {cls.__name__ for cls in events.CATALOGUE}
    assert EVENT_NAMES - listed == set(), "add these events to events.CATALOGUE"
    assert listed - EVENT_NAMES == set()


def test_each_event_has_its_one_publisher_and_the_listeners_listed() -> None:
    publishers, listeners = _routes_in_code()
    assert publishers, "the scan found no publish calls: the test would pass vacuously"
    for cls, route in events.CATALOGUE.items():
        name = cls.__name__
        assert publishers.get(name, set()) == {route.publisher}, f"{name} is published by {publishers.get(name)}"
        assert listeners.get(name, set()) == set(route.listeners), f"{name} is heard by {listeners.get(name)}"


def test_subscriptions_in_a_loop_are_seen() -> None:
    tree = ast.parse("for kind in (QuoteUpdated, BarUpdated):\n    bus.subscribe(kind, handler)\n")
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    (stmt, call), = _method_calls(tree, "subscribe")
    assert _subscribed(stmt, call, parents) == {"QuoteUpdated", "BarUpdated"}
