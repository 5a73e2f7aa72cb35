"""The OpenAPI document declares each operation's error answers with the real error body."""

from fastapi.testclient import TestClient


def _responses(client: TestClient, path: str, method: str) -> dict[str, dict]:
    return client.get("/openapi.json").json()["paths"][path][method]["responses"]


def test_error_statuses_are_documented_per_operation(client: TestClient) -> None:
    assert set(_responses(client, "/api/v1/users", "get")) == {"200", "401", "403", "422"}
    assert set(_responses(client, "/api/v1/users/{user_id}/roles/{role}", "delete")) == {
        "200", "401", "403", "404", "409", "422"}
    assert set(_responses(client, "/api/v1/me", "patch")) == {
        "200", "400", "401", "403", "409", "422", "429"}
    assert set(_responses(client, "/api/v1/auth/signup", "post")) == {
        "202", "400", "409", "422", "429"}
    assert set(_responses(client, "/api/v1/me", "get")) == {"200", "401"}
    assert set(_responses(client, "/api/v1/reference/currencies", "get")) == {"200"}


def test_rate_limited_operations_document_429_with_retry_after(client: TestClient) -> None:
    for path, method in (("/api/v1/auth/signup", "post"), ("/api/v1/auth/tokens", "post"),
                         ("/api/v1/challenges/{challenge_id}/questions", "post"),
                         ("/api/v1/challenges/{challenge_id}/cover", "put"),
                         ("/api/v1/suggestions", "post")):
        documented = _responses(client, path, method)["429"]
        assert documented["headers"]["Retry-After"]["schema"]["type"] == "integer", path


def test_error_bodies_use_the_error_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    body = schema["components"]["schemas"]["ErrorBody"]
    assert body["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if int(code) >= 400:
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorBody", (method, path, code)


def test_a_real_422_matches_the_documented_body(client: TestClient) -> None:
    response = client.post("/api/v1/auth/signup", json={"email": "nope"})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert {"email", "password", "display_name"} <= set(body["error"]["fields"])
