"""Steps: request_update, request_workflow."""

from __future__ import annotations

from capmock.model import requests
from capmock.model.entities import Customer
from capmock.scenario.steps.base import Args, Result, Session, handler


@handler("request_update")
def request_update(s: Session, customer: Customer | None, args: Args) -> Result:
    kind, status = str(args.get("type", "TRANSACTION")), str(args.get("status", "APPROVED"))
    return [requests.updated(s.world, customer, kind, status)], None


@handler("request_workflow")
def request_workflow(s: Session, customer: Customer | None, args: Args) -> Result:
    kind = str(args["type"]) if "type" in args else None
    status = str(args.get("status", "APPROVED"))
    return [requests.workflow(s.world, customer, status, kind)], None
