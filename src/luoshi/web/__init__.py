"""The web dashboard and JSON API (FastAPI): ``create_app(workspace)``."""

from luoshi.web.app import create_app

__all__ = ["create_app"]
