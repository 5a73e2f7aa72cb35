"""Messages to users, queued in an outbox table; a later delivery worker sends them."""
