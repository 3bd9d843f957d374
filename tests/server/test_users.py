"""The users resource: paging, search, read, create, replace, patch and delete; stable ids."""

import pytest

from support.accounts import PASSWORD
from support.errors import error_of


def list_users(client, account, **query):
    response = client.get("/users", headers=account.headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def usernames(page):
    return [user["username"] for user in page["items"]]


# --- Listing ------------------------------------------------------------------------------------


def test_the_list_has_items_and_pagination(client, admin):
    page = list_users(client, admin)

    assert set(page) == {"items", "pagination"}
    assert page["pagination"] == {"page": 1, "per_page": 50, "total": 1, "pages": 1}
    assert usernames(page) == ["root"]


def test_the_list_is_in_id_order(client, api, admin):
    made = [api.create_user(username=name) for name in ("zed", "amy", "kim")]

    page = list_users(client, admin)

    assert [user["id"] for user in page["items"]] == sorted(user["id"] for user in page["items"])
    assert usernames(page) == ["root", *(account.username for account in made)]


def test_pages_split_the_list_without_gaps_or_overlaps(client, api, admin):
    for _ in range(4):
        api.create_user()

    pages = [list_users(client, admin, page=n, per_page=2) for n in (1, 2, 3, 4)]

    assert [len(p["items"]) for p in pages] == [2, 2, 1, 0]
    assert all(p["pagination"]["total"] == 5 for p in pages)
    assert all(p["pagination"]["pages"] == 3 for p in pages)
    assert [p["pagination"]["page"] for p in pages] == [1, 2, 3, 4]
    everyone = [name for p in pages for name in usernames(p)]
    assert everyone == usernames(list_users(client, admin))


def test_an_empty_search_result_has_zero_pages(client, admin):
    page = list_users(client, admin, q="nobody-matches-this")

    assert page == {"items": [], "pagination": {"page": 1, "per_page": 50, "total": 0, "pages": 0}}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ali", ["alice", "malik"]),  # username or name
        ("MARTIN", ["alice"]),  # case-insensitive, in the name
        ("Bob", ["bob"]),  # case-insensitive, in the username
        ("  bob  ", ["bob"]),  # trimmed
        ("%", ["percy"]),  # % is a literal
        ("_", ["under_score"]),  # _ is a literal
        ("r_s", ["under_score"]),
        ("\\", []),
    ],
    ids=repr,
)
def test_search_matches_username_or_name_case_insensitively(client, api, admin, query, expected):
    api.create_user(username="alice", name="Alice Martin")
    api.create_user(username="malik", name="Malik")
    api.create_user(username="bob", name="Robert")
    api.create_user(username="percy", name="100% Percy")
    api.create_user(username="under_score", name="Underscore")
    api.create_user(username="underxscore", name="Other")

    assert usernames(list_users(client, admin, q=query)) == expected


def test_search_counts_only_the_matches(client, api, admin):
    for number in range(3):
        api.create_user(username=f"match{number}")
    api.create_user(username="other")

    page = list_users(client, admin, q="match", per_page=2)

    assert page["pagination"] == {"page": 1, "per_page": 2, "total": 3, "pages": 2}


def test_search_is_case_insensitive_beyond_ascii(client, api, admin):
    api.create_user(username="elodie", name="Élodie Durand")

    assert usernames(list_users(client, admin, q="élodie")) == ["elodie"]


# --- Reading one --------------------------------------------------------------------------------


def test_get_one_user_returns_its_public_fields(client, api, admin):
    account = api.create_user(username="alice", name="Alice", age=30)

    response = client.get(f"/users/{account.id}", headers=admin.headers)

    assert response.status_code == 200
    user = response.get_json()
    assert set(user) == {
        "id", "username", "name", "age", "role", "active", "created_at", "updated_at"
    }  # fmt: skip
    assert (user["id"], user["username"], user["name"], user["age"]) == (
        account.id,
        "alice",
        "Alice",
        30,
    )
    assert (user["role"], user["active"]) == ("member", True)


@pytest.mark.parametrize("user_id", [123456, 2**31 - 1, 2**31, 99999999999999])
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_an_unknown_user_id_is_404(client, admin, method, user_id):
    body = {"name": "Nobody"} if method in {"PUT", "PATCH"} else None

    response = client.open(f"/users/{user_id}", method=method, json=body, headers=admin.headers)

    error_of(response, 404, "user_not_found")


@pytest.mark.parametrize("path", ["/users/0", "/users/-1", "/users/abc", "/users/1.5"])
def test_a_user_path_that_is_not_a_positive_id_is_404(client, admin, path):
    error_of(client.get(path, headers=admin.headers), 404)


# --- Creating -----------------------------------------------------------------------------------


def test_an_admin_creates_a_user_with_a_role(client, admin):
    body = {"username": "Boss", "password": PASSWORD, "name": "The Boss", "role": "admin"}

    response = client.post("/users", json=body, headers=admin.headers)

    assert response.status_code == 201
    created = response.get_json()
    assert (created["username"], created["role"], created["active"]) == ("boss", "admin", True)
    assert client.get(f"/users/{created['id']}", headers=admin.headers).get_json() == created


def test_a_created_user_is_a_member_unless_told(client, admin):
    body = {"username": "plain", "password": PASSWORD, "name": "Plain"}

    created = client.post("/users", json=body, headers=admin.headers).get_json()

    assert created["role"] == "member"
    assert created["age"] is None


def test_a_created_user_can_sign_in_with_its_password(client, api, admin):
    body = {"username": "fresh", "password": "fresh password", "name": "Fresh"}
    client.post("/users", json=body, headers=admin.headers)

    login = client.post("/auth/login", json={"username": "fresh", "password": "fresh password"})

    assert login.status_code == 200


def test_creating_a_user_created_inactive_cannot_sign_in(client, admin):
    body = {"username": "later", "password": PASSWORD, "name": "Later", "active": False}
    client.post("/users", json=body, headers=admin.headers)

    login = client.post("/auth/login", json={"username": "later", "password": PASSWORD})

    error_of(login, 401, "invalid_credentials")


@pytest.mark.parametrize("taken", ["alice", "ALICE"])
def test_creating_a_taken_username_is_409(client, api, admin, taken):
    api.create_user(username="alice")
    body = {"username": taken, "password": PASSWORD, "name": "Again"}

    error_of(client.post("/users", json=body, headers=admin.headers), 409, "username_taken")


# --- Replacing and patching ---------------------------------------------------------------------


def test_put_replaces_the_profile_and_a_missing_age_clears_it(client, api, admin):
    account = api.create_user(name="Old Name", age=40)

    response = client.put(f"/users/{account.id}", json={"name": "New Name"}, headers=admin.headers)

    assert response.status_code == 200
    assert (response.get_json()["name"], response.get_json()["age"]) == ("New Name", None)


def test_put_requires_the_name(client, api, admin):
    account = api.create_user()

    response = client.put(f"/users/{account.id}", json={"age": 3}, headers=admin.headers)

    assert "name" in error_of(response, 422, "validation_error")["fields"]


def test_patch_changes_only_the_fields_given(client, api, admin):
    account = api.create_user(name="Kept Name", age=40)

    response = client.patch(f"/users/{account.id}", json={"age": 41}, headers=admin.headers)

    assert response.status_code == 200
    assert (response.get_json()["name"], response.get_json()["age"]) == ("Kept Name", 41)


def test_patch_with_a_null_age_clears_it(client, api, admin):
    account = api.create_user(age=40)

    response = client.patch(f"/users/{account.id}", json={"age": None}, headers=admin.headers)

    assert response.get_json()["age"] is None


def test_an_empty_patch_changes_nothing(client, api, admin):
    account = api.create_user(name="Same", age=40)
    before = client.get(f"/users/{account.id}", headers=admin.headers).get_json()

    response = client.patch(f"/users/{account.id}", json={}, headers=admin.headers)

    assert response.status_code == 200
    assert response.get_json() == before


def test_changes_are_stored(client, api, admin):
    account = api.create_user()
    client.patch(f"/users/{account.id}", json={"name": "Stored"}, headers=admin.headers)

    assert client.get(f"/users/{account.id}", headers=admin.headers).get_json()["name"] == "Stored"


def test_the_username_cannot_be_changed(client, api, admin):
    account = api.create_user()

    response = client.patch(f"/users/{account.id}", json={"username": "x"}, headers=admin.headers)

    assert error_of(response, 422)["fields"] == {"username": "Unknown field."}


def test_an_update_moves_updated_at_and_keeps_created_at(client, api, admin):
    account = api.create_user()
    before = client.get(f"/users/{account.id}", headers=admin.headers).get_json()

    after = client.patch(
        f"/users/{account.id}", json={"name": "Later"}, headers=admin.headers
    ).get_json()

    assert after["created_at"] == before["created_at"]
    assert after["updated_at"] > before["updated_at"]


# --- Deleting and ids ---------------------------------------------------------------------------


def test_delete_answers_204_and_the_user_is_gone(client, api, admin):
    account = api.create_user()

    response = client.delete(f"/users/{account.id}", headers=admin.headers)

    assert response.status_code == 204
    assert response.get_data() == b""
    error_of(client.get(f"/users/{account.id}", headers=admin.headers), 404, "user_not_found")


def test_deleting_a_user_ends_its_sessions(client, api, admin):
    account = api.member()

    client.delete(f"/users/{account.id}", headers=admin.headers)

    error_of(client.get("/auth/me", headers=account.headers), 401, "token_invalid")


def test_other_users_keep_their_ids_after_a_delete(client, api, admin):
    first, middle, last = (api.create_user(username=n) for n in ("first", "middle", "last"))

    client.delete(f"/users/{middle.id}", headers=admin.headers)

    for account in (first, last):
        user = client.get(f"/users/{account.id}", headers=admin.headers).get_json()
        assert user["username"] == account.username


def test_the_id_of_a_deleted_user_is_never_given_again(client, api, admin):
    last = api.create_user(username="last")
    client.delete(f"/users/{last.id}", headers=admin.headers)

    body = {"username": "newcomer", "password": PASSWORD, "name": "Newcomer"}
    created = client.post("/users", json=body, headers=admin.headers).get_json()

    assert created["id"] > last.id


def test_a_deleted_username_can_be_taken_again_under_a_new_id(client, api, admin):
    old = api.create_user(username="reused")
    client.delete(f"/users/{old.id}", headers=admin.headers)

    again = api.create_user(username="reused")

    assert again.id > old.id
