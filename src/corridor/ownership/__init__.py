"""Ownership and control: who is sanctioned through whom (OFAC, EU, UK rules)."""
