"""What the app tells a young person: a claim decided, an exemption confirmed, a new personal adviser, a
new version of their council's offer, a review or an action due, and the 21Plus birthday-month message.
Stored per young person, read in the app, and pushed through the council's gateway (a webhook)."""
