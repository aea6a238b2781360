"""The Positions panel: positions with expandable legs, a position's detail, advice and risk graph."""
