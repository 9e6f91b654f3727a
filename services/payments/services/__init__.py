"""payments business rules, one module per topic: sales, the outbox, STK push, callbacks, the
reconciliation sweep, settlement, the owner's review and C2B. No Flask request in here."""
