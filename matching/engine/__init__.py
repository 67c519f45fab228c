"""The matcher's pure core: items in, scored and explained pairs out.

Nothing here imports Django, Elasticsearch or Celery: the adapters in ``matching/``
read listings into :class:`~matching.engine.items.MatchItem`, ask the search backends
for lexical and vector candidates, and call these functions. Everything here is
deterministic and unit-tested in milliseconds.
"""

ENGINE_VERSION = "1"
