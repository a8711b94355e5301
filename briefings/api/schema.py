"""drf-spectacular extensions: how the API's own field types appear in the OpenAPI schema."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes


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


class AutoSchema(openapi.AutoSchema):
    """Describe the lookup path parameters, which a URL pattern alone leaves blank."""

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if not parameter.get("description") and parameter["name"] in PATH_PARAMETERS:
                parameter["description"] = PATH_PARAMETERS[parameter["name"]]
        return parameters
