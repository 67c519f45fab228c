"""Bulk import and export of outcomes and demands from CSV and XLSX catalogues."""
