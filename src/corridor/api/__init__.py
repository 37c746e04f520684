"""The HTTP API (FastAPI): yente-compatible matching and Corridor's own endpoints."""
