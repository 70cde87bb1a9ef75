"""Demo mode: a synthetic, obviously fictional data set for both councils, so a newcomer sees a living API.

Every name, address and number here is invented. Phone numbers come from Ofcom's range reserved for
drama (0115 496 0000 to 0999 in Nottingham); email domains end in `.demo`. Loaders are idempotent:
rows have fixed ids, so running the loader twice changes nothing.
"""
