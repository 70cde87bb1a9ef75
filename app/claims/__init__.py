"""Claims against allowances, their approval and payment, and the ledger that keeps the balances."""
