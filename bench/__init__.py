"""Benchmark scripts; each prints its figures as JSON (see docs/benchmarks.md)."""
