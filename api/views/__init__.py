"""The API's views: public reads, one's own items, the agents' queue, tokens."""
