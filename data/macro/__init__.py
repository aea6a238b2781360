"""The macro calendar's sources: the Fed's FOMC schedule (a data file), FRED release dates (keyed),
a saved BLS release calendar (ICS) and the demo market's own events; ``impact`` rates each kind."""
