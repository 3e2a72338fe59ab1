"""Every Backoffice path Intake calls, in one table, so a tenant that differs is a one-line change.

Paths are relative to the tenant's API root (`https://<tenant>.backoffice.dutchie.com/api/`) and every
call is a JSON POST. Where a path comes from, and how sure we are, is noted beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

HISTORY_MAX_DAYS = 31
"""Receive history refuses ranges longer than this ("Date range cannot exceed 31 days"); we split."""


@dataclass(frozen=True)
class DutchieEndpoints:
    # Username/password login with header `appname: Backoffice`; confirmed by two integrations.
    login: str = "user/login"
    # The second, POS-terminal login form ({UserName, Password, AppId: 2, LocId, LspId}). Intake logs in
    # with `login`; this is kept here because the sandbox and some tenants accept both.
    employee_login: str = "posv3/user/EmployeeLogin"
    # ASSUMED: no public path for "the locations this user may see" is known. This is our choice (the
    # sandbox implements it); if a tenant differs, change it here.
    locations: str = "user/get-locations"
    # Course module 3.1: no `v2/` prefix (`v2/vendor/get-vendors` is a 404).
    vendors: str = "vendor/get-vendors"
    # Course module 3.2.
    rooms: str = "v2/room/get-rooms"
    # Course module 3.3: LSP-scoped, ~17k rows.
    products: str = "product-master/get-products-lite"
    # Course module 4 / integrations: the receive that moves stock.
    receive: str = "v2/inventory/receive"
    # The same body saved as a Pending receive that moves no stock.
    save_receive: str = "v2/inventory/save-receive"
    # Course module 5.1: takes ReceiveInventoryHistoryId (passing `Id` silently returns []).
    packages: str = "v2/inventory/get-packages-from-receive"
    # Course module 5.2.
    history: str = "v2/inventory/get-receive-history"
    # Course module 5.3: sellable stock only.
    sellable: str = "preorder/inventory"


ENDPOINTS = DutchieEndpoints()
