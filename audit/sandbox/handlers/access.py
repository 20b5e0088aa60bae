"""Authentication (token, expiry, appsecret_proof), scopes and object visibility.

A token restricted to businesses ``H`` sees: those businesses and their clients, objects they
own, and objects shared with them (pixels via ``shared_with``, ad accounts via ``agencies``).
Children (campaigns, ad sets, rules …) follow their ad account.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from ..wire.errors import SandboxError, permission_error, unknown_object
from ..world.model import AdAccount, Pixel, Token, World

READ_ADS = ("ads_read", "ads_management")
WRITE_ADS = ("ads_management",)
BUSINESS = ("business_management",)
ALL_TASKS = ["ANALYZE", "ADVERTISE", "EDIT", "UPLOAD"]


def authenticate(world: World, token_text: str | None, proof: str | None,
                 now: datetime) -> Token:
    """Resolve the request's token or raise the Graph error Meta gives."""
    if not token_text:
        raise SandboxError("An access token is required to request this resource.", code=104)
    app = world.app
    if token_text == f"{app.id}|{app.secret}":
        return Token(token=token_text, user_id=app.id, user_name=app.name, user_type="APP",
                     scopes=[], businesses=[])
    token = world.tokens.get(token_text)
    if token is None:
        raise SandboxError("Invalid OAuth access token - Cannot parse access token", code=190)
    if not token.valid:
        raise SandboxError(
            "Error validating access token: The session has been invalidated because the user "
            "changed their password or Facebook has changed the session for security reasons.",
            code=190, subcode=460)
    if token.expires_at is not None and token.expires_at <= now:
        raise SandboxError(
            "Error validating access token: Session has expired on "
            f"{_meta_time(token.expires_at)}. The current time is {_meta_time(now)}.",
            code=190, subcode=463)
    if app.require_appsecret_proof:
        if not proof:
            raise SandboxError("API calls from the server require an appsecret_proof argument",
                               code=100, type="GraphMethodException")
        expected = hmac.new(app.secret.encode(), token_text.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, proof):
            raise SandboxError("Invalid appsecret_proof provided in the API argument",
                               code=100, type="GraphMethodException")
    return token


def _meta_time(moment: datetime) -> str:
    return moment.strftime("%A, %d-%b-%y %H:%M:%S UTC")


def require_scope(world: World, token: Token, any_of: tuple[str, ...]) -> None:
    """Raise the permission error naming the missing permission(s)."""
    if any(scope in token.scopes for scope in any_of):
        return
    status = world.settings.permission_http_status
    if any_of == READ_ADS:
        message = "(#200) Requires ads_read or ads_management permission to manage the object"
    else:
        message = f"(#200) Requires {' or '.join(any_of)} permission to manage the object"
    raise permission_error(message, status)


def denied(world: World, node_id: str, method: str = "GET") -> SandboxError:
    """The error for an existing object the token may not see (see ``settings.denied_error``)."""
    if world.settings.denied_error == "not_found":
        return unknown_object(node_id, method)
    return permission_error("(#200) Permissions error", world.settings.permission_http_status)


def home(token: Token) -> set[str] | None:
    """Businesses the token acts for (``None`` = unrestricted)."""
    return None if token.businesses is None else set(token.businesses)


def business_reach(world: World, token: Token) -> set[str] | None:
    """Businesses whose node the token may read."""
    own = home(token)
    if own is None:
        return None
    reach = set(own)
    for business_id in own:
        business = world.businesses.get(business_id)
        if business:
            reach.update(business.clients)
    for pixel in world.pixels.values():
        if pixel.owner_business and any(s.business in own for s in pixel.shared_with):
            reach.add(pixel.owner_business)
    for account in world.ad_accounts.values():
        if account.owner_business and own & set(account.agencies):
            reach.add(account.owner_business)
    return reach


def can_see_business(world: World, token: Token, business_id: str) -> bool:
    """Whether the business node is readable."""
    reach = business_reach(world, token)
    return reach is None or business_id in reach


def can_see_pixel(token: Token, pixel: Pixel) -> bool:
    """Whether the pixel is owned by or shared with the token's businesses."""
    own = home(token)
    if own is None:
        return True
    if pixel.owner_business in own:
        return True
    return any(share.business in own for share in pixel.shared_with)


def pixel_tasks(token: Token, pixel: Pixel) -> list[str]:
    """Tasks the token's businesses hold on the pixel (owner: all of them)."""
    own = home(token)
    if own is None or pixel.owner_business in own:
        return list(ALL_TASKS)
    tasks: list[str] = []
    for share in pixel.shared_with:
        if share.business in own:
            tasks.extend(t for t in share.tasks if t not in tasks)
    return tasks


def can_see_account(token: Token, account: AdAccount) -> bool:
    """Whether the ad account is owned by or assigned to the token's businesses."""
    own = home(token)
    if own is None:
        return True
    return account.owner_business in own or bool(own & set(account.agencies))
