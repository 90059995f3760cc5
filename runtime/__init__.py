"""The runtime: the heavy resources (model, catalogue, recommender) built from settings, once per process
(:mod:`runtime.resources`), and the process tuning around them (:mod:`runtime.heap`)."""
