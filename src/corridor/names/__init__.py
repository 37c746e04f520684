"""Name and identifier analysis for screening."""
