"""The contact log (a legal record: CLR reg 8), call-back requests, and each council's contact policy."""
