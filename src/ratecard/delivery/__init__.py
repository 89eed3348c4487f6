"""Delivery: appointments, attendance and what was delivered against what was bought."""
