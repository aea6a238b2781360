"""Readers for files traders bring (vendor exports); each returns the standard models."""
