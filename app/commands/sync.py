"""``ai-coach sync``: this computer's sync with the account server, through the app's own engine and
``SyncService`` (the one Preferences and the status bar use). Without options: one round now, then
the status. ``--sign-in SERVER --email EMAIL`` (``--create`` for a new account; the password from
``AI_COACH_PASSWORD`` or asked for), ``--sign-out``, ``--devices``, ``--revoke ID``, ``--status``
(no round). ``--json``: one JSON object on stdout's last line (the stable format in the README)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import asdict
from typing import TextIO

HELP = "sync this computer with its account server (sign in/out, devices, one round, status)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands.options import add_engine

    add_engine(parser)
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--sign-in", metavar="SERVER", default=None, help="sign this computer in (https://…)")
    what.add_argument("--sign-out", action="store_true", help="stop syncing here (the data stays)")
    what.add_argument("--devices", action="store_true", help="list the account's devices")
    what.add_argument("--revoke", type=int, metavar="ID", default=None, help="revoke a device (lost or stolen)")
    what.add_argument("--status", action="store_true", help="the status only, no round")
    parser.add_argument("--email", default=None, help="the account's email (with --sign-in)")
    parser.add_argument("--create", action="store_true", help="with --sign-in: create the account")
    parser.add_argument("--json", action="store_true", help="one JSON object on the last line")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from app.core.sync.service import SyncError
    from data.store.database import StoreError

    out = out or sys.stdout
    if args.sign_in and not args.email:
        print("ai-coach sync: --sign-in needs --email", file=sys.stderr)
        return 2
    try:
        result = asyncio.run(_sync(args))
    except (SyncError, StoreError, OSError) as exc:
        print(f"ai-coach sync: {exc}", file=sys.stderr)
        return 1
    out.write((json.dumps(result) if args.json else _text(result)) + "\n")
    out.flush()
    return 0 if result["status"]["state"] in ("synced", "off") or args.status else 1


def _password() -> str:
    from getpass import getpass

    return os.environ.get("AI_COACH_PASSWORD") or getpass("Password: ")


async def _sync(args: argparse.Namespace) -> dict:
    from app.commands.options import engine_config
    from app.core.engine import Engine
    from app.core.sync.service import SyncService

    engine = Engine(engine_config(args))
    await engine.start()
    try:
        service = engine.service(SyncService)
        await service.load()
        devices = []
        if args.sign_in:
            await service.sign_in(args.sign_in, args.email, _password(), create=args.create)
            await service.sync_now()
        elif args.sign_out:
            await service.sign_out()
        elif args.devices or args.revoke is not None:
            if args.revoke is not None:
                await service.revoke(args.revoke)
            devices = [asdict(d) for d in await service.devices()]
        elif not args.status:
            await service.sync_now()
        return {"status": _status(service.status), "devices": devices}
    finally:
        await engine.stop()


def _status(status) -> dict:
    return {"state": status.state, "detail": status.detail, "email": status.email, "server": status.server,
            "waiting": status.waiting, "conflicts": status.conflicts, "last_synced_ms": status.last_synced_ms}


def _text(result: dict) -> str:
    status = result["status"]
    lines = [f"{status['state']}" + (f" as {status['email']} at {status['server']}" if status["email"] else "")]
    if status["detail"]:
        lines.append(status["detail"])
    lines.append(f"{status['waiting']:,} changes waiting · {status['conflicts']:,} conflicts logged")
    lines += [f"  #{d['id']} {d['name']}" + (" (this computer)" if d["current"] else "")
              + (" — revoked" if d["revoked_at"] else "") for d in result["devices"]]
    return "\n".join(lines)
