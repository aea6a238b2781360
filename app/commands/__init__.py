"""The command-line verbs (``ai-coach detect`` …): argument sets and printing only; ``app.cli`` is
the one entry point and the engine (``app.core``) does the work. No verb imports Qt."""
