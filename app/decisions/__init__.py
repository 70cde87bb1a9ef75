"""Decisions as data: the engine's answers for each care leaver, stored as dated timelines."""
