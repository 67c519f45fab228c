"""Settings modules: base, embedded (make run), test, production, build."""
