"""Human-readable API documentation, rendered on the server from the OpenAPI document.

No JavaScript bundle is needed: the page lists every operation with its
parameters and responses, and links to the machine-readable openapi.json.
"""

from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def operations_by_tag(schema: dict) -> list[tuple[str, list[dict]]]:
    # The document's paths are relative to its server (/api/v1): show the whole address.
    servers = schema.get("servers") or [{"url": ""}]
    base = servers[0]["url"].rstrip("/")
    tags: dict[str, list[dict]] = {}
    for relative_path, item in schema.get("paths", {}).items():
        path = base + relative_path
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not operation:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            tags.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary") or operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "location": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "responses": sorted(operation.get("responses", {}).keys()),
                    "secured": any("tokenAuth" in r for r in operation.get("security", [])),
                    "anchor": f"{method}-{path}".replace("/", "-")
                    .replace("{", "")
                    .replace("}", ""),
                }
            )
    return sorted(tags.items())


class ApiDocsView(TemplateView):
    template_name = "core/api_docs.html"

    def get_context_data(self, **kwargs):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        return super().get_context_data(
            schema_info=schema["info"], tags=operations_by_tag(schema), **kwargs
        )
