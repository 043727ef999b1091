"""Presigned uploads: granting them, receiving the PUTs Brandkit is the target of, and claiming
them when they are registered as media or fonts."""
