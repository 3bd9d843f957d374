"""/health for monitors, /openapi.json and /docs for people writing clients."""

import json

import pytest

from papo.server import Config, create_app
from support.apps import dispose
from support.errors import error_of
from support.live_server import free_port


def test_health_reports_the_server_and_database_ok(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_needs_no_token(client):
    assert client.get("/health", headers={"Authorization": "Bearer bogus"}).status_code == 200


@pytest.mark.parametrize(
    "database_url",
    [
        "sqlite:///{tmp}/no/such/folder/papo.sqlite3",
        "postgresql+psycopg://papo@127.0.0.1:{port}/papo?connect_timeout=2",
    ],
    ids=["sqlite", "postgresql"],
)
def test_health_reports_an_unreachable_database_as_503(tmp_path, database_url):
    url = database_url.format(tmp=tmp_path, port=free_port())
    app = create_app(
        Config.from_env(
            environ={}, instance_dir=tmp_path, database_url=url, auto_migrate=False, testing=True
        )
    )

    response = app.test_client().get("/health")

    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "database": "unreachable"}
    dispose(app)


def test_openapi_is_json_describing_the_routes(client):
    response = client.get("/openapi.json")

    assert response.status_code == 200
    spec = json.loads(response.get_data(as_text=True))
    assert spec["openapi"].startswith("3.")
    for path in ("/users", "/users/{user_id}", "/auth/login", "/auth/register", "/auth/me"):
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/auth/login"]


def test_openapi_documents_bearer_authentication(client):
    spec = client.get("/openapi.json").get_json()

    schemes = spec["components"]["securitySchemes"]
    assert any(scheme.get("scheme", "").lower() == "bearer" for scheme in schemes.values())


def test_the_docs_page_is_served(client):
    response = client.get("/docs")

    assert response.status_code == 200
    assert response.mimetype == "text/html"


def test_a_route_that_does_not_exist_next_to_the_docs_is_404(client):
    error_of(client.get("/docs/nothing-here"), 404)
