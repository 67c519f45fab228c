"""CMS: Wagtail pages, the portal templates and editorial content."""
