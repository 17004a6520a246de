"""capmock: a mock Capillary event emitter and webhook contract-test harness."""

from capmock.errors import CapmockError
from capmock.generate import Generator, generate
from capmock.schemas import Problem, validate

__version__ = "0.1.0"

__all__ = ["CapmockError", "Generator", "Problem", "__version__", "generate", "validate"]
