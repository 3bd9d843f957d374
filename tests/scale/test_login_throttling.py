"""Login throttling counts failures in Redis, so every process applies the same back-off.

The shared deployment allows PAPO_LOGIN_FREE_ATTEMPTS=3 failures per account; the fourth
blocks the account for 1 s, then 2 s, 4 s...
"""

from scale.backends import SHARED_SQLITE


def login(rest, account, password):
    """POST /auth/login; return the response."""
    body = {"username": account.username, "password": password}
    return rest.request("POST", "/auth/login", json=body)


@SHARED_SQLITE
def test_failures_spread_over_processes_add_up_to_one_lockout(cluster):
    ana = cluster.member()
    first, second = cluster.rest(0), cluster.rest(1)

    statuses = [login(rest, ana, "wrong password").status_code for rest in (first, second) * 2]
    blocked = login(first, ana, ana.password)

    assert statuses == [401, 401, 401, 401]
    assert blocked.status_code == 429, blocked.text
    assert blocked.json()["error"]["code"] == "login_throttled"
    assert int(blocked.headers["Retry-After"]) >= 1


@SHARED_SQLITE
def test_a_success_on_one_process_clears_the_failures_counted_on_the_other(cluster):
    ana = cluster.member()
    first, second = cluster.rest(0), cluster.rest(1)

    failed = [login(second, ana, "wrong password").status_code for _ in range(3)]
    assert failed == [401, 401, 401]
    assert login(first, ana, ana.password).status_code == 200

    again = [login(second, ana, "wrong password").status_code for _ in range(3)]
    assert again == [401, 401, 401]
    assert login(second, ana, ana.password).status_code == 200
