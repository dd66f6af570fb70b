"""Authoring: tools for the experts who write rules: lint, rule tests, generated rule docs."""
