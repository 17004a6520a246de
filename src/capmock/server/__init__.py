"""``capmock serve``, the local mock of Capillary.

(The stand-alone sink ``capmock run`` starts when it has no target is
:mod:`capmock.delivery.sink`.)

``serve``      ``capmock serve``: one waitress-served Flask app (``app.create_app``) with
               the page (templates/, static/), the REST API (``api``, documented by
               ``openapi``), the mock Capillary APIs (``capillary``, ``promotions``,
               ``loyalty``, ``auth``) and named sinks (``sinks``); its state lives in a
               ``hub.Hub``: the played worlds the mock APIs answer from
               (``world_registry``), scenarios, the delivery log (``deliveries``).
"""
