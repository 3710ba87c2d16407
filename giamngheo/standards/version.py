"""The rule engine's version, stored with every classification (contract: ``engine_version``)."""

ENGINE_VERSION = "1.0.0"
