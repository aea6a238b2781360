"""``ai-coach-server``: run the account backend, or ``ai-coach-server migrate`` its schema.

The database comes from ``DATABASE_URL`` (``postgresql://user:password@host:5432/db``): for
``migrate`` the tables' owner, for serving a login role that is a member of ``ai_coach_app``
and owns nothing, so row-level security applies (README "Account backend (server)").
"""

from __future__ import annotations

import argparse
import logging
import os
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ai-coach-server", description="The AI Coach account backend.")
    parser.add_argument("command", nargs="?", choices=("serve", "migrate"), default="serve",
                        help="serve the API (default) or upgrade the database schema")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--forwarded-allow-ips", default=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                        help="reverse proxies whose X-Forwarded-For is trusted (default 127.0.0.1)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        print("ai-coach-server: set DATABASE_URL, e.g. postgresql://user@127.0.0.1:5432/ai_coach", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "migrate":
        from server.db import migrate

        print(f"database schema at revision {migrate(database_url)}")
        return 0
    import uvicorn

    # the app factory reads DATABASE_URL itself, so every worker process builds its own engine
    uvicorn.run("server.cli:app_from_environment", factory=True, host=args.host, port=args.port,
                workers=args.workers, proxy_headers=True, forwarded_allow_ips=args.forwarded_allow_ips)
    return 0


def app_from_environment():
    from server.app import create_app

    return create_app(os.environ["DATABASE_URL"])


if __name__ == "__main__":
    sys.exit(main())
