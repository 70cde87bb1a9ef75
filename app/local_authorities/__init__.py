"""Councils, their districts, and (later) the Local Offer each one publishes."""
