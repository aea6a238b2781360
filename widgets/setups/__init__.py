"""The Scanner and Tracked-setups panels (pure views: records in, signals out)."""
