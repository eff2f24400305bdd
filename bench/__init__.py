"""Benchmarks of the tradekg pipeline: a synthetic corpus generator and a timed runner.

Run on demand (``python -m bench.generate``, ``python -m bench.run``), never as part of the
test suite: the numbers only mean something against a baseline measured in the same run.
"""
