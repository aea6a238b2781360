"""Positions in the window: the Positions panel (positions with expandable legs, a position's detail,
its advice and risk graph) and the new-position entry dialog (strategy templates, OCC symbols)."""
