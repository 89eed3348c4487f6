"""Billing: price lists, quotes and the price snapshotted onto a referral (and, below, invoices)."""
