"""A subscriber's journey through a client generated from openapi/openapi.json by
openapi-python-client: sign in as the demo user, list houses, add a house, bind the demo
account to it, read the account. Run by `cargo xtask test` against a live `lk serve` with the
demo data (`lk seed-demo`).

Usage: python journey.py BASE_URL CLIENT_DIR OUT_JSON
  CLIENT_DIR holds the generated package `lk_client`; OUT_JSON receives the ids the journey
  created, for the schemathesis run that follows.
"""

import json
import sys

base_url, client_dir, out = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, client_dir)

from lk_client import AuthenticatedClient, Client  # noqa: E402
from lk_client.api.accounts import get_account  # noqa: E402
from lk_client.api.auth import login  # noqa: E402
from lk_client.api.houses import bind_account, create_house, list_houses  # noqa: E402
from lk_client.api.meters import list_meters  # noqa: E402
from lk_client.models import (  # noqa: E402
    AccountResponse,
    BindAccountRequest,
    CreateHouseRequest,
    HouseResponse,
    LoginRequest,
    MeterResponse,
    TokenResponse,
)

ACCOUNT, METER = "680000000001", "01234567"


def expect(response, status, model):
    """The parsed body of a response with the given status, or a failure naming what came."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.content!r}"
    assert isinstance(response.parsed, model), f"expected {model.__name__}, got {response.parsed!r}"
    return response.parsed


anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
token = expect(
    login.sync_detailed(client=anonymous, body=LoginRequest(email="demo@lk.example", password="demo-password")),
    200,
    TokenResponse,
)
assert token.token_type == "Bearer" and token.expires_in > 0

me = AuthenticatedClient(base_url=base_url, token=token.access_token, raise_on_unexpected_status=True)
before = list_houses.sync_detailed(client=me)
assert before.status_code == 200 and isinstance(before.parsed, list), before.content

house = expect(
    create_house.sync_detailed(client=me, body=CreateHouseRequest(name="Дача", address="Тамбовская обл., с. Покрово-Пригородное")),
    201,
    HouseResponse,
)
assert house.name == "Дача" and house.account is None

bound = expect(
    bind_account.sync_detailed(house.id, client=me, body=BindAccountRequest(account_number=ACCOUNT, meter_number=METER)),
    200,
    HouseResponse,
)
assert bound.account is not None and bound.account.number == ACCOUNT, bound

after = list_houses.sync_detailed(client=me)
assert [h.id for h in after.parsed] == [h.id for h in before.parsed] + [house.id]

account = expect(get_account.sync_detailed(ACCOUNT, client=me), 200, AccountResponse)
assert account.number == ACCOUNT and account.contract.number and account.tariff.prices, account
meters = list_meters.sync_detailed(ACCOUNT, client=me)
assert meters.status_code == 200 and meters.parsed and isinstance(meters.parsed[0], MeterResponse)

with open(out, "w") as f:
    json.dump({"house_id": house.id, "account_number": ACCOUNT, "meter_id": meters.parsed[0].id}, f)
print(f"journey: signed in, {len(before.parsed)} → {len(after.parsed)} houses, account {ACCOUNT} bound and read "
      f"(balance {account.balance}, tariff {account.tariff.name})")
