"""The rate card brochure, generated from the catalogue (HTML and PDF)."""
