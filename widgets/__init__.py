"""Qt panels: pure views fed through methods and emitting user intents as signals.

Widgets never import ``app`` and never do I/O; ``app.ui`` wires them to the engine.
"""
