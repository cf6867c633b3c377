"""The OpenAPI document says every answer the API can give: besides 200, a refused filter or
page size or a made-up cursor (400, a reason per parameter), an id that leads nowhere (404)
and the rate limit (429, with Retry-After)."""

from drf_spectacular.openapi import AutoSchema

ERRORS = {
    "400": (
        "Et filter, en sidestørrelse eller en »efter«, der ikke kan bruges; årsagen pr. parameter"
    ),
    "404": "Findes ikke (eller er ikke offentlig)",
    "429": "For mange forespørgsler fra samme adresse; se Retry-After",
}


class PublicAPISchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            if code == "400" and not self._is_list_view():
                continue
            responses.setdefault(
                code,
                {
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "additionalProperties": True}
                        }
                    },
                    "description": description,
                },
            )
        return responses
