"""The matcher's writes: training the embedder, computing and retiring proposals."""
