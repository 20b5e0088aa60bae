"""The world's ``domains:`` section: what the sandbox's DNS and web servers serve.

```yaml
domains:
  lumenoutdoor.com.au:
    txt: ["v=spf1 -all", "facebook-domain-verification=ba209avzqi6hkaa4ww2xge0q2l8vet"]
    home: "<html><head><meta name=facebook-domain-verification content=…></head>…"
    files: [ba209avzqi6hkaa4ww2xge0q2l8vet]   # served at /<code>.html with the code in it
    hosts: [www.lumenoutdoor.com.au]          # other names serving the same site
    dns: ok            # ok | timeout (the query is dropped) | servfail
    web: ok            # ok | refused (both ports refuse connections)
    status: 200        # the home page's HTTP status
    delay_ms: 0        # wait before answering the home page
    padding_bytes: 0   # filler inserted before </head> (a huge page)
    redirect: https://www.lumenoutdoor.com.au/   # the home page answers 301 to this
```
"""

from __future__ import annotations

import re
from typing import Any

from .model import Site
from .validate import as_enum, as_int, as_map, as_str, as_str_list, check_keys, fail

_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_KEYS = ("txt", "dns", "web", "home", "status", "delay_ms", "padding_bytes", "redirect",
         "files", "hosts")


def _name(value: str, path: str) -> str:
    name = value.strip().lower().rstrip(".")
    if not _NAME.match(name):
        raise fail(path, f"must be a domain name such as example.com (got {value!r})")
    return name


def parse_sites(raw: Any, path: str) -> dict[str, Site]:
    """Validate ``domains:``; every host name (a site's name and its ``hosts``) is unique."""
    sites: dict[str, Site] = {}
    seen: set[str] = set()
    for key, value in as_map(raw, path).items():
        where = f"{path}.{key}"
        name = _name(key, where)
        data = as_map(value, where)
        check_keys(data, _KEYS, where)
        site = Site(
            name=name,
            txt=as_str_list(data.get("txt"), f"{where}.txt"),
            dns=as_enum(data.get("dns", "ok"), ("ok", "timeout", "servfail"), f"{where}.dns"),
            web=as_enum(data.get("web", "ok"), ("ok", "refused"), f"{where}.web"),
            status=as_int(data.get("status", 200), f"{where}.status", 100),
            delay_ms=as_int(data.get("delay_ms", 0), f"{where}.delay_ms"),
            padding_bytes=as_int(data.get("padding_bytes", 0), f"{where}.padding_bytes"),
            redirect=None if data.get("redirect") is None else as_str(
                data["redirect"], f"{where}.redirect"),
            files=as_str_list(data.get("files"), f"{where}.files"),
            hosts=[_name(h, f"{where}.hosts[{i}]")
                   for i, h in enumerate(as_str_list(data.get("hosts"), f"{where}.hosts"))],
        )
        if "home" in data:
            site.home = as_str(data["home"], f"{where}.home")
        for host in (site.name, *site.hosts):
            if host in seen:
                raise fail(where, f"host {host!r} is served twice")
            seen.add(host)
        sites[name] = site
    return sites
