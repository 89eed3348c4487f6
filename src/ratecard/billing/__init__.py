"""Billing: price lists, quotes and the price snapshotted onto a referral (and, below, invoices).

Importing billing registers its hooks in the registries of the domains below it (the referral's
acceptance and page, delivery's approved variations, the catalogue's service page): see listeners.py.
"""

from ratecard.billing.listeners import install as _install

_install()
