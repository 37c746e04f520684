"""Screening persons, companies, banks and vessels against the active sanctions lists."""
