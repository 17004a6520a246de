"""Contract checks of a webhook consumer.

* scenario expectations: ``expect:`` (the status each delivery must get) and ``check:``
  steps (the consumer's state, read from ``consumer.state``, must agree with the model),
  played by :func:`capmock.contract.scenario_run.play`;
* the standard suite behind ``capmock check`` (:func:`capmock.contract.suite.run_suite`):
  acceptance, idempotency, order tolerance, tolerant reader, retry safety, concurrency;
* results as named cases (:mod:`~capmock.contract.results`) and JUnit XML / JSON /
  Markdown reports (:mod:`~capmock.contract.reports`).

This package's ``__init__`` imports nothing: the scenario checker uses the pure
:mod:`~capmock.contract.expect` and :mod:`~capmock.contract.template` modules.
"""
