"""The standards engine is tested without Django's database."""
