"""The web dashboard and JSON API (FastAPI): ``create_app(workspace)``.

Imported on first use, so that the front process of `luoshi serve` (web/front.py) loads none of it."""

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from luoshi.web.app import create_app
        return create_app
    raise AttributeError(f"module 'luoshi.web' has no attribute {name!r}")
