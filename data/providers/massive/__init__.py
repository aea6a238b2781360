"""Massive (formerly Polygon.io): REST client and payload parsers (the WebSocket stream and the
provider wiring are separate steps)."""
