"""Rasa custom actions: thin adapters over coach/. Nothing heavy happens at import time."""
