"""Contract checks of a webhook consumer.

* scenario expectations: ``expect:`` (the status each delivery must get) and ``check:``
  steps (the consumer's state, read from ``consumer.state``, must agree with the model),
  played by :func:`capmock.contract.scenario_run.play`;
* the standard suite behind ``capmock check`` (:func:`capmock.contract.checks.run_suite`):
  acceptance, idempotency, order tolerance, tolerant reader, retry safety, concurrency;
* results as named cases (:mod:`~capmock.contract.results`) and JUnit XML / JSON /
  Markdown reports (:mod:`~capmock.contract.reports`).

The grammars of ``expect:`` and of templates/JSONPath belong to the scenario language:
:mod:`capmock.scenario.expect` and :mod:`capmock.scenario.expressions`.
"""
