"""IndicaOnline Open API v2.3 inventory emulator (reads only: the document describes no receive)."""

from intake_gui.sandbox.indica.app import create_app
from intake_gui.sandbox.indica.config import BASIC_API_KEY, TRAINING_API_KEY, IndicaConfig

__all__ = ["BASIC_API_KEY", "TRAINING_API_KEY", "IndicaConfig", "create_app"]
