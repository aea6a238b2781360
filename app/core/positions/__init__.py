"""Positions: the service the UI and the coach call to open and act on positions (every action a
stored event), and the tracker that values them live and runs the exit advisor. Pure rules are in
``analytics.positions``, ``analytics.strategies``, ``analytics.position_value``,
``analytics.payoff``, ``analytics.risk_graph`` and ``analytics.exit_advice``."""
