"""The OpenAPI document: FastAPI's own, plus the security requirement of every route whose
dependencies authenticate.

Authentication reads its headers itself instead of through FastAPI security dependencies, which
cost solver time on every request; the document must still tell clients (and the schema-driven
fuzzer) which routes need a key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

F = TypeVar("F", bound=Callable[..., Any])
_AUTHENTICATES_ATTR = "__brandkit_authenticates__"


def mark_authenticating(dependency: F) -> F:
    setattr(dependency, _AUTHENTICATES_ATTR, True)
    return dependency


def _authenticates(dependant: Dependant) -> bool:
    if getattr(dependant.call, _AUTHENTICATES_ATTR, False):
        return True
    return any(_authenticates(sub) for sub in dependant.dependencies)


def install_security(
    app: FastAPI, routes: Iterable[BaseRoute], schemes: Mapping[str, Mapping[str, str]]
) -> None:
    """Declare ``schemes`` (any one of them suffices) on each route of ``routes`` that
    authenticates."""
    secured = [
        (route.path_format, method.lower())
        for route in routes
        if isinstance(route, APIRoute) and route.include_in_schema
        if _authenticates(route.dependant)
        for method in route.methods or ()
    ]
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            schema.setdefault("components", {})["securitySchemes"] = {
                name: dict(scheme) for name, scheme in schemes.items()
            }
            for path, method in secured:
                operation = schema["paths"].get(path, {}).get(method)
                if operation is not None:
                    operation["security"] = [{name: []} for name in schemes]
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]


# The operationIds the published OpenAPI documents give these routes; every other route is
# named after its endpoint (``get_media`` -> ``getMedia``).
DOCUMENTED_IDS = {
    ("POST", "/enterprise/get-design-variants"): "postEnterpriseDesignVariants",
    ("GET", "/enterprise/get-design-variants"): "getEnterpriseDesignVariants",
    ("GET", "/get-request-status"): "getRequestStatus",
    ("POST", "/get-request-status"): "postRequestStatus",
    ("POST", "/super/login-user"): "loginUser",
    ("POST", "/super/delete-user"): "deleteUser",
    ("POST", "/enterprise/export-data"): "exportData",
    ("POST", "/designs-from-content"): "postDesignsFromContent",
    ("GET", "/designs-from-content"): "getDesignsFromContent",
    ("POST", "/designs-from-prompt"): "postDesignsFromPrompt",
    ("GET", "/designs-from-prompt"): "getDesignsFromPrompt",
    ("POST", "/content-from-prompt"): "postContentFromPrompt",
    ("GET", "/content-from-prompt"): "getContentFromPrompt",
}


def operation_id(route: APIRoute) -> str:
    for method in sorted(route.methods or ()):
        documented = DOCUMENTED_IDS.get((method, route.path_format))
        if documented is not None:
            return documented
    head, *rest = route.name.split("_")
    return head + "".join(part.capitalize() for part in rest)
