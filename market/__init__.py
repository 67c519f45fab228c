"""Market: the domain records (organisations, outcomes, demands, challenges, deals).

This app imports none of the project's other apps.
"""
