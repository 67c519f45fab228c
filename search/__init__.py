"""Search: index documents, backends (Elasticsearch and embedded), queries and index sync."""
