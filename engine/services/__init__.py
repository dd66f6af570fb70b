"""Services: the engine's entry points (:class:`~cxm.engine.services.api.Engine`), batch runs, assessment history,
report data.
"""
