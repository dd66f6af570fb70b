"""Results: what a session concluded, assembled into the documented result shapes, and rule conditions checked test by
test.
"""
