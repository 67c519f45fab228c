"""Matching: the outcome ↔ demand matcher and the transfer agents' review of its proposals.

Its pure scoring core will live in matching/engine/; see the README's roadmap.
"""
