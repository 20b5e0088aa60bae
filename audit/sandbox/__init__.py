"""A local Graph API sandbox for ios14-audit: an HTTP server on 127.0.0.1 that speaks the
Graph/Marketing API wire format from a YAML world file, so the real ``facebook-business`` SDK
can be exercised end to end without network access.

```python
from audit.sandbox import SandboxServer, load_world, demo_world_path

with SandboxServer(load_world(demo_world_path()), port=0) as srv:
    api._session.GRAPH = srv.base_url  # an SDK FacebookAdsApi built by the caller
```

Three parts:

- ``wire/``: HTTP requests in, Graph-shaped JSON out (server, routing, fields, paging, batch,
  errors, usage headers, faults, admin endpoints);
- ``handlers/``: the per-area endpoints (business, pixel, ads, insights, rules, …);
- ``world/``: the world model, its loading and validation, and the demo world + config;
- ``sites/``: DNS (UDP and TCP) and web doubles serving the world's ``domains:`` section
  (TXT records, home pages, verification files) for the domain verification checks.

``wire`` routes to ``handlers``, which answer with ``wire``'s call, error and serialisation
helpers; both read and change the ``world``, which imports neither.

``demo.py`` starts the sandbox with the demo world for ``ios14-audit demo``.
See ``docs/sandbox.md`` for the world format, admin endpoints and fault injection.
"""

from __future__ import annotations

from .sites import SiteServers
from .wire.exchange import RecordedRequest
from .wire.server import SandboxServer, serve_forever
from .world.load import demo_config_path, demo_world_path, load_world, parse_world
from .world.model import World
from .world.validate import WorldError

__all__ = [
    "RecordedRequest",
    "SandboxServer",
    "SiteServers",
    "World",
    "WorldError",
    "demo_config_path",
    "demo_world_path",
    "load_world",
    "parse_world",
    "serve_forever",
]
