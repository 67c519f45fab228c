"""Market statistics: the managers' dashboard, the public summary and their figures."""
