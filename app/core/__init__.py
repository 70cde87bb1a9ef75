"""Framework-free kit shared by every domain: settings, clock, errors, logging, small types."""
