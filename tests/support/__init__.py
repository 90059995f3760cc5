"""Helpers several test modules share: PostgreSQL schemas, worker processes and topic readers, people, feeds,
synthetic offerings and learners, the deployment manifests."""
