"""Engagement pages: protected details requests, interest requests and the owner's inbox."""
