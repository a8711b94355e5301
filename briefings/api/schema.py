"""
drf-spectacular extensions: how the API's own field types appear in the
OpenAPI schema, and the If-Match precondition of writes to versioned resources.
"""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class RefFieldExtension(OpenApiSerializerFieldExtension):
    """A RefField is written as a key (slug or id) and read as its embedded object."""

    target_class = "briefings.api.serializers.RefField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            key = OpenApiTypes.INT if self.target.slug_field == "pk" else OpenApiTypes.STR
            return build_basic_type(key)
        return auto_schema.resolve_serializer(self.target.ref_serializer, direction).ref


PATH_PARAMETERS = {
    "slug": "The resource's slug, as in its api_url.",
    "id": "The resource's numeric id, as in its api_url.",
}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, and what to do about it.")


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the version you change, as the resource's GET answered it "
    '(e.g. `"v3-1f2e…"`), or `*` for whatever version is stored.',
)
IF_MATCH_RESPONSES = {
    "412": OpenApiResponse(
        ErrorSerializer,
        description="Precondition failed: the resource changed since you read it (If-Match "
        "names another version). GET it again and reapply your change.",
    ),
    "428": OpenApiResponse(
        ErrorSerializer,
        description="Precondition required: the request has no If-Match header. GET the "
        "resource and send its ETag back as If-Match.",
    ),
}


class AutoSchema(openapi.AutoSchema):
    """
    Describe the lookup path parameters, which a URL pattern alone leaves
    blank, and the If-Match header of the view's `if_match_actions`.
    """

    def needs_if_match(self):
        return getattr(self.view, "action", None) in getattr(self.view, "if_match_actions", ())

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        return [*parameters, IF_MATCH] if self.needs_if_match() else parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.needs_if_match():
            for code, response in IF_MATCH_RESPONSES.items():
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        fields = getattr(self.view, "ordering_fields", None)
        for parameter in parameters:
            if parameter["name"] == "ordering" and fields:
                default = ", ".join(getattr(self.view, "ordering", None) or ["id"])
                parameter["description"] = (
                    f"Sort by {', '.join(f'`{field}`' for field in fields)}; `-` before a field "
                    f"sorts descending, commas separate several. Default: {default}."
                )
        return parameters

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if not parameter.get("description") and parameter["name"] in PATH_PARAMETERS:
                parameter["description"] = PATH_PARAMETERS[parameter["name"]]
        return parameters
