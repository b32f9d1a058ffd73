"""Typed, validated configuration per environment (synth side only; the Lambdas never import it)."""

from .errors import ConfigError
from .loader import DEFAULT_ENVIRONMENT, known_environments, load_environment
from .models import EnvironmentConfig

__all__ = [
    "DEFAULT_ENVIRONMENT",
    "ConfigError",
    "EnvironmentConfig",
    "known_environments",
    "load_environment",
]
