"""Additions to the generated OpenAPI schema that every endpoint shares.

drf-spectacular documents what each view declares; the answers every endpoint
can give (bad input, not signed in, not allowed, not found) are added here
once, so the schema matches what clients really receive (checked with
schemathesis; see docs/api.md).
"""

ERROR = {"$ref": "#/components/schemas/ErrorOutput"}
# DRF's validation answer: each field (or "non_field_errors") with its messages;
# a body that cannot be parsed answers {"detail": "..."}.
VALIDATION_ERROR = {
    "type": "object",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}},
                                       {"type": "string"}]},
}

SHARED_ANSWERS = {
    "400": ("Bad input: each field with what is wrong with it.", VALIDATION_ERROR),
    "401": ("Not signed in: send a token (Authorization: Token ...) or a session.", ERROR),
    "403": ("Signed in, but not allowed (a patient account, or two-step sign-in not set up).",
            ERROR),
    "404": ("No such practice among yours, no such object in it, or no such page.", ERROR),
    "429": ("Too many requests: wait the seconds in the Retry-After header.", ERROR),
}


def add_shared_error_responses(result, generator, request, public):
    # Bodies refuse names they do not know (vpm.api.StrictInput): say so.
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Input") and component.get("type") == "object":
            component["additionalProperties"] = False
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, (description, schema) in SHARED_ANSWERS.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": schema}},
                })
    return result

