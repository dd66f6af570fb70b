"""Runtime: the knowledge base compiled to durable-rules rulesets, the host that runs them, sessions, and a
plain-Python checker of conditions.
"""
