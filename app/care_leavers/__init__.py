"""The care-leaver record: identity, where they live, their personal adviser, and consents to share."""
