"""``ai-coach ask "QUESTION"``: one coach turn from the command line, with the app's own engine,
tools and grounding check (``app.core.coach.service``). ``--base-url``/``--model`` name the
OpenAI-compatible server (else the Preferences'); the key comes from the keychain or
``OPENAI_API_KEY``. Without a model the question is answered as a command ("gex SPX"). ``--json``:
one object on stdout's last line — ``reply``, ``tool_calls`` (``name``, ``arguments``),
``ungrounded`` (the reply's numbers found in no tool result, as written) — README "Command line"."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TextIO

HELP = "ask the coach one question (or a command such as 'gex SPX'), answered with the app's own numbers"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands.options import add_engine

    parser.add_argument("question", metavar="QUESTION", help="the question, or a command ('help' lists them)")
    parser.add_argument("--base-url", default=None,
                        help="the OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 (default: Preferences')")
    parser.add_argument("--model", default=None, help="the model's name (default: Preferences'; none: commands)")
    add_engine(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object on the last line")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from app.core.coach.service import CoachError
    from data.store.database import StoreError
    from data.store.preference_specs import PreferenceError

    out = out or sys.stdout
    try:
        message = asyncio.run(_ask(args))
    except (CoachError, StoreError, PreferenceError, OSError, ValueError) as exc:
        print(f"ai-coach ask: {exc}", file=sys.stderr)
        return 1
    ungrounded = list(message.grounding.ungrounded) if message.grounding else []
    if args.json:
        print(message.content, file=sys.stderr)
        out.write(json.dumps(json_object(message)) + "\n")
    else:
        out.write(message.content + "\n")
        for call in message.tool_calls:
            out.write(f"  [tool] {call.name} {json.dumps(call.arguments)}" + (f" — {call.error}" if call.error else "")
                      + "\n")
        if ungrounded:
            out.write(f"  [not from data] {', '.join(ungrounded)}\n")
    out.flush()
    return 0


def json_object(message) -> dict:
    return {"reply": message.content,
            "tool_calls": [{"name": c.name, "arguments": c.arguments} for c in message.tool_calls],
            "ungrounded": list(message.grounding.ungrounded) if message.grounding else []}


async def _ask(args: argparse.Namespace):
    from app.commands.options import engine_config
    from app.core.coach.service import coach_service
    from app.core.coach.settings import client_factory, llm_settings
    from app.core.engine import Engine
    from app.core.secrets import lookup_key
    from data.store.preference_specs import validate

    if args.base_url is not None:
        validate("coach_base_url", args.base_url)  # a bad address: one plain line, before the engine starts
    engine = Engine(engine_config(args))
    await engine.start()
    try:
        ctx = engine.context
        settings = await asyncio.to_thread(llm_settings, ctx.workspace.preferences, lookup_key,
                                           base_url=args.base_url, model=args.model)
        service = coach_service(ctx, client_factory(lambda: settings))
        conversation = await service.new("Command line")
        return await service.ask(conversation.id, args.question)
    finally:
        await engine.stop()
