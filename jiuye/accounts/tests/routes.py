"""The accounts app's routes in the access matrix: home, password, tokens, users (pages and API)."""

from __future__ import annotations

from jiuye.core.permissions import Perm
from jiuye.core.tests.matrix import Route, personal

ROUTES = [
    Route("home"),
    Route("accounts:logout", "POST", ok=(302,)),
    Route("accounts:password_change"),
    Route("accounts:token_list", fuzz_query=("page",), fuzz_forms=True),
    Route("accounts:token_revoke", "POST", target="token", ok=(302,), neighbour=personal),
    Route("accounts:user_list", perm=Perm.MANAGE_USERS),
    Route("accounts:user_create", perm=Perm.MANAGE_USERS, fuzz_forms=True),
    Route("accounts:user_edit", perm=Perm.MANAGE_USERS, target="user", fuzz_forms=True),
    Route("accounts:user_unlock", "POST", perm=Perm.MANAGE_USERS, target="user", ok=(302,)),
    Route("accounts:user_totp_reset", "POST", perm=Perm.MANAGE_USERS, target="user", ok=(302,)),
    Route("accounts:user_password_reset", "POST", perm=Perm.MANAGE_USERS, target="user", ok=(302,)),
    Route("api-1.0.0:me", api=True),
    Route("api-1.0.0:token_list", api=True),
    Route("api-1.0.0:token_create", "POST", api=True, data={"name": "matrix"}, ok=(201,)),
    Route("api-1.0.0:token_revoke", "DELETE", api=True, target="token", ok=(204,), neighbour=personal),
    Route("api-1.0.0:user_list", perm=Perm.MANAGE_USERS, api=True),
    Route("api-1.0.0:user_detail", perm=Perm.MANAGE_USERS, api=True, target="user"),
    Route(
        "api-1.0.0:user_create",
        "POST",
        perm=Perm.MANAGE_USERS,
        api=True,
        data={
            "username": "new_clerk",
            "role": "village_clerk",
            "region_code": "610924100001",
            "password": "Xy9!fresh-Clerk",
        },
        ok=(201, 422),  # 422 when 610924100001 is outside the admin's scope: a validation error, not data
    ),
    Route("api-1.0.0:user_update", "PATCH", perm=Perm.MANAGE_USERS, api=True, target="user", data={"full_name": "改"}),
]
