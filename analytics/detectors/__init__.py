"""Setup detectors: one module per detector, each a pure function of closed bars (and, where a
detector needs them, key levels or the options snapshot) returning ``analytics.detections.Detection``
records. Every module's docstring states its exact rule and parameters."""
