"""The exit advisor's rules, one module per family; ``analytics.exit_advice`` runs them all."""
