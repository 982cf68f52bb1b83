"""The notification adapter: outbox events delivered through apprise."""
