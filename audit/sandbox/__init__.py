"""A local Graph API sandbox for ios14-audit: an HTTP server on 127.0.0.1 that speaks the
Graph/Marketing API wire format from a YAML world file, so the real ``facebook-business`` SDK
can be exercised end to end without network access.

```python
from audit.sandbox import SandboxServer, load_world, demo_world_path

with SandboxServer(load_world(demo_world_path()), port=0) as srv:
    api._session.GRAPH = srv.base_url  # an SDK FacebookAdsApi built by the caller
```
See ``docs/sandbox.md`` for the world format, admin endpoints and fault injection.
"""

from __future__ import annotations

from .graph import RecordedRequest
from .model import World
from .server import SandboxServer, serve_forever
from .validate import WorldError
from .world import demo_config_path, demo_world_path, load_world, parse_world

__all__ = [
    "RecordedRequest",
    "SandboxServer",
    "World",
    "WorldError",
    "demo_config_path",
    "demo_world_path",
    "load_world",
    "parse_world",
    "serve_forever",
]
