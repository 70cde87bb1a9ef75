"""The Local Offer API: what care leavers are entitled to, their pathway plans and their personal advisers."""

__version__ = "0.1.0"
