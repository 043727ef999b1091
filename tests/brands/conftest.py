from tests.generation.conftest import assets  # noqa: F401  (the loopback asset server)
