"""Goods and shipments: export-control codes, goods descriptions and transshipment risk."""
