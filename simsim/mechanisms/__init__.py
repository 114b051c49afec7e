"""Mechanisms: one module per published or documented model, each registered by name."""
