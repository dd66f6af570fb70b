"""Explanations: why a conclusion was reached (derivation trees), why a recommendation was not, and what changes if
facts change.
"""
