"""The coach: its tool registry over the engine's services (``tools``), the grounding check of a
reply's numbers (``grounding``), the system prompt (``prompt``) and the offline command mode
(``commands``). Import the modules themselves; this package imports nothing heavy."""
