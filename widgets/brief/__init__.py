"""The Morning brief panel's widgets."""
