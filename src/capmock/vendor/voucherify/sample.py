"""A short journey reaching every transaction type the model produces: what
``capmock generate TYPE --vendor voucherify`` plays to render a sample of TYPE."""

SAMPLE_JOURNEY = """
name: voucherify-sample
start: 2026-03-02T10:00:00Z
org:
  id: 150698
  currency: INR
  programs:
    - id: 838
      name: CapmockLoyalty
      points_per_currency: 0.1
      points_to_currency_ratio: 0.5
      tiers: [{name: Silver, threshold: 0}, {name: Gold, threshold: 1000}]
customers: {ana: {}, ben: {}}
steps:
  - enrol: ana
  - enrol: ben
  - transact: {customer: ana, amount: 4200, items: 2, as: bill}   # POINTS_ACCRUAL
  - redeem_points: {customer: ana, points: 100, as: spend}        # POINTS_REDEMPTION
  - reverse_redemption: {customer: ana, redemption: spend}        # POINTS_REFUND (rollback)
  - return: {customer: ana, bill: bill, amount: 1000}              # POINTS_REFUND (order)
  - award_points: {customer: ana, points: 50, reason: Goodwill}   # POINTS_ADDITION
  - adjust_points: {customer: ana, points: -20, reason: Duplicate bill}  # POINTS_REMOVAL
  - transfer_points: {customer: ana, to: ben, points: 30}          # TRANSFER_OUT, TRANSFER_IN
  - expire_points: {customer: ben, all: true}                      # POINTS_EXPIRATION
"""
