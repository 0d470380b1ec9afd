"""Insurance verification: staff ask a payer's partner to verify a coverage's benefits."""
