"""Idempotency keys: a client that retries a POST with the same `Idempotency-Key` gets the
first answer again instead of a second change (`middleware.py` for the HTTP side, `store.py`
for the records)."""
