"""Spiders: discovery and requests only."""
