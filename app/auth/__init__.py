"""Sign-in, principals, route dependencies and the access policy every person-level endpoint uses."""
