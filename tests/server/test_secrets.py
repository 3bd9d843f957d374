"""Secrets stay secret: password hashes never leave the server; tokens are stored hashed."""

import hashlib

from sqlalchemy import text

from papo.server.extensions import db
from papo.server.models import User
from support.accounts import PASSWORD


def test_no_response_about_users_carries_a_password_or_its_hash(app, client, admin, member):
    with app.app_context():
        hashes = [user.password_hash for user in db.session.scalars(db.select(User))]
    body = {"username": "fresh", "password": PASSWORD, "name": "Fresh"}
    responses = [
        client.post("/auth/register", json=body),
        client.post("/auth/login", json={"username": "alice", "password": PASSWORD}),
        client.get("/auth/me", headers=member.headers),
        client.get("/users", headers=admin.headers),
        client.get(f"/users/{member.id}", headers=admin.headers),
        client.patch(f"/users/{member.id}", json={"age": 30}, headers=admin.headers),
        client.post("/users", json={**body, "username": "other"}, headers=admin.headers),
    ]

    for response in responses:
        assert response.status_code < 300, response.get_json()
        served = response.get_data(as_text=True)
        assert "password" not in served
        assert "$argon2" not in served
        assert PASSWORD not in served
        assert not any(stored in served for stored in hashes)


def test_the_token_is_stored_only_as_its_sha256(app, member):
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM auth_sessions")).mappings().all()

    assert len(rows) == 1
    assert rows[0]["token_hash"] == hashlib.sha256(member.token.encode()).hexdigest()
    assert not any(member.token in str(value) for row in rows for value in row.values())


def test_the_password_is_not_stored_in_clear(app, member):
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM users")).mappings().all()

    assert not any(PASSWORD in str(value) for row in rows for value in row.values())


def test_the_hash_of_a_token_does_not_sign_in(client, member):
    digest = hashlib.sha256(member.token.encode()).hexdigest()

    response = client.get("/auth/me", headers={"Authorization": f"Bearer {digest}"})

    assert response.status_code == 401


def test_tokens_are_long_and_random(api):
    account = api.create_user()
    tokens = {api.login(account).token for _ in range(3)}

    assert len(tokens) == 3
    assert all(len(token) >= 43 for token in tokens)  # 256 bits in URL-safe base64
