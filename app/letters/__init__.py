"""Status letters: signed statements of a young person's care-leaver status that anyone can verify."""
