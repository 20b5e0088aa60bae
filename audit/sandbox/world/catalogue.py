"""The Graph schema, read from the installed ``facebook-business`` SDK's source (never imported).

Every ``facebook_business/adobjects/<type>.py`` module declares one class per Graph node type
(https://github.com/facebook/facebook-python-business-sdk, generated from Meta's API specs):

* ``class Field``: the fields of that node type (``AdsPixel.Field.last_fired_time``);
* ``_field_types``: each field's type, e.g. ``'owner_business': 'Business'``, which gives the
  node type of a nested selection such as ``owner_business{id,name}``;
* nested enum classes (``AdsPixelStatsResult.Aggregation``);
* one method per endpoint (``api_get``, ``get_stats`` …) building a
  ``FacebookRequest(method=…, endpoint='/stats', target_class=AdsPixelStatsResult, …)`` with
  the endpoint's ``param_types`` and ``enums`` (``'aggregation_enum':
  AdsPixelStatsResult.Aggregation.__dict__.values()``).

The sandbox may not import ``facebook_business`` (only ``audit/graph/sdk/`` does), so the
package is located with :func:`importlib.util.find_spec` and its modules are parsed with
:mod:`ast`. Parsing is lazy and cached per process, in two steps, because a full parse of the
big modules costs tens of milliseconds each (``adaccount.py`` is 200 kB) and loading a world
needs a dozen types: the class-level declarations (``Field``, enums, ``_field_types``) are
read from the module's text and its literals evaluated with :func:`ast.literal_eval`; the
endpoint methods are parsed with :func:`ast.parse` only when a request needs them.
``tests/sandbox/test_catalogue.py`` checks both steps agree with a full parse, and prints
what they cost.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

_LIST = re.compile(r"^list<(.+)>$")
# Class-level declarations of a generated SDK module (4-space class body, 8-space members).
_NESTED_CLASS = re.compile(r"^    class (\w+)\b[^\n]*:\n((?:(?:        [^\n]*)?\n)*)", re.M)
_MEMBER = re.compile(r"^        (\w+) = ('[^'\n]*'|\"[^\"\n]*\")$", re.M)
_FIELD_TYPES = re.compile(r"^    _field_types = (\{\n.*?^    \})", re.M | re.S)


class CatalogueError(RuntimeError):
    """The SDK's source could not be found or read."""


@dataclass(frozen=True)
class Endpoint:
    """One endpoint method of a node type: ``GET /{id}/stats`` → ``AdsPixelStatsResult``."""

    owner: str
    name: str  # edge name, "" for the node itself
    method: str
    item_type: str  # the SDK's target class ("AbstractCrudObject" when untyped)
    params: Mapping[str, str] = field(default_factory=dict)  # param -> declared type
    enum_refs: Mapping[str, tuple[str, str] | frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class NodeType:
    """What the SDK declares for one class (endpoints: see :meth:`Catalogue.endpoint`)."""

    name: str
    fields: frozenset[str]
    field_types: Mapping[str, str]
    enums: Mapping[str, frozenset[str]]
    endpoints: Mapping[tuple[str, str], Endpoint] = field(default_factory=dict)


def _strings(body: list[ast.stmt]) -> dict[str, str]:
    """``name = 'value'`` assignments of a class body (attribute name -> string)."""
    out: dict[str, str] = {}
    for stmt in body:
        if (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)
                and isinstance(stmt.value.value, str)):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = stmt.value.value
    return out


def _str_dict(node: ast.expr) -> dict[str, str]:
    if not isinstance(node, ast.Dict):
        return {}
    return {k.value: v.value for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)
            and isinstance(v, ast.Constant) and isinstance(v.value, str)}


def _enum_ref(node: ast.expr) -> tuple[str, str] | frozenset[str] | None:
    """``T.E.__dict__.values()`` -> ("T", "E"); a literal list of strings -> its values."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return frozenset(e.value for e in node.elts
                         if isinstance(e, ast.Constant) and isinstance(e.value, str))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "values"
            and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "__dict__"):
        inner = node.func.value.value
        if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name):
            return inner.value.id, inner.attr
    return None


def _endpoint(owner: str, func: ast.FunctionDef) -> Endpoint | None:
    params: dict[str, str] = {}
    refs: dict[str, tuple[str, str] | frozenset[str]] = {}
    request: ast.Call | None = None
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name == "param_types":
                params = _str_dict(node.value)
            elif name == "enums" and isinstance(node.value, ast.Dict):
                for key, value in zip(node.value.keys, node.value.values, strict=True):
                    ref = _enum_ref(value)
                    if isinstance(key, ast.Constant) and isinstance(key.value, str) and ref:
                        refs[key.value] = ref
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "FacebookRequest"):
            request = node
    if request is None:
        return None
    kw = {k.arg: k.value for k in request.keywords if k.arg}
    method, endpoint, target = kw.get("method"), kw.get("endpoint"), kw.get("target_class")
    if not (isinstance(method, ast.Constant) and isinstance(endpoint, ast.Constant)):
        return None
    item = target.id if isinstance(target, ast.Name) else "AbstractCrudObject"
    return Endpoint(owner=owner, name=str(endpoint.value).strip("/"), method=str(method.value),
                    item_type=item, params=params, enum_refs=refs)


def parse_declarations(source: str, name: str) -> NodeType | None:
    """Fields, field types and enums of class ``name``, from its module's text (no endpoints)."""
    start = re.search(rf"^class {re.escape(name)}\(", source, re.M)
    if start is None:
        return None
    body = source[start.start():]
    try:
        members = {m.group(1): frozenset(ast.literal_eval(v.group(2))
                                         for v in _MEMBER.finditer(m.group(2)))
                   for m in _NESTED_CLASS.finditer(body)}
        types = _FIELD_TYPES.search(body)
        field_types = ast.literal_eval(types.group(1)) if types else {}
    except (ValueError, SyntaxError):
        return None
    if "Field" not in members or not isinstance(field_types, dict):
        return None
    enums = {k: v for k, v in members.items() if k != "Field"}
    return NodeType(name, members["Field"], {str(k): str(v) for k, v in field_types.items()},
                    enums)


def parse_class(source: str, name: str) -> NodeType | None:
    """The :class:`NodeType` declared by class ``name`` in one SDK module's source."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None  # one generated module is not valid Python 3; its type stays unknown
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
    if cls is None:
        return None
    fields: frozenset[str] = frozenset()
    field_types: dict[str, str] = {}
    enums: dict[str, frozenset[str]] = {}
    endpoints: dict[tuple[str, str], Endpoint] = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.ClassDef):
            values = _strings(stmt.body)
            if stmt.name == "Field":
                fields = frozenset(values.values())
            else:
                enums[stmt.name] = frozenset(values.values())
        elif isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "_field_types" for t in stmt.targets):
            field_types = _str_dict(stmt.value)
        elif isinstance(stmt, ast.FunctionDef):
            found = _endpoint(name, stmt)
            if found is not None:
                key = (found.name, found.method)
                known = endpoints.get(key)
                if known is None:
                    endpoints[key] = found
                else:  # two methods on one endpoint (e.g. get_insights / _async): merge
                    endpoints[key] = Endpoint(
                        name, found.name, found.method, known.item_type,
                        {**found.params, **known.params}, {**found.enum_refs, **known.enum_refs})
    return NodeType(name, fields, field_types, enums, endpoints)


class Catalogue:
    """Lazily parsed node types of one SDK installation."""

    def __init__(self, adobjects: Path) -> None:
        self.root = adobjects
        self._lock = threading.Lock()
        self._types: dict[str, NodeType | None] = {}
        self._full: dict[str, NodeType | None] = {}

    def _source(self, name: str) -> str | None:
        path = self.root / f"{name.lower()}.py"
        if not name.isidentifier() or not path.is_file():
            return None
        return path.read_text(encoding="utf-8")

    def type(self, name: str) -> NodeType | None:
        """The node type ``name`` (fields, field types, enums), or None when the SDK lacks it."""
        with self._lock:
            if name in self._types:
                return self._types[name]
        source = self._source(name)
        parsed = None
        if source is not None:
            parsed = parse_declarations(source, name) or self._parse_full(name, source)
        with self._lock:
            self._types[name] = parsed
        return parsed

    def _parse_full(self, name: str, source: str | None = None) -> NodeType | None:
        with self._lock:
            if name in self._full:
                return self._full[name]
        if source is None:
            source = self._source(name)
        parsed = parse_class(source, name) if source is not None else None
        with self._lock:
            self._full[name] = parsed
        return parsed

    def fields(self, name: str) -> frozenset[str]:
        """Valid fields of a node type (empty when unknown)."""
        node = self.type(name)
        return node.fields if node else frozenset()

    def nested_type(self, name: str, field_name: str) -> str | None:
        """The node type of an object-valued field (``owner_business`` -> ``Business``)."""
        node = self.type(name)
        raw = node.field_types.get(field_name) if node else None
        if raw is None:
            return None
        match = _LIST.match(raw)
        inner = match.group(1) if match else raw
        return inner if self.type(inner) is not None else None

    def endpoint(self, name: str, edge: str, method: str = "GET") -> Endpoint | None:
        """The endpoint ``edge`` ("" for the node) of a node type, for an HTTP method."""
        node = self._parse_full(name)
        return node.endpoints.get((edge, method.upper())) if node else None

    def edges(self, name: str, method: str = "GET") -> frozenset[str]:
        """Names of a node type's edges for an HTTP method."""
        node = self._parse_full(name)
        if node is None:
            return frozenset()
        return frozenset(e for e, m in node.endpoints if e and m == method.upper())

    def enum(self, name: str, enum_class: str) -> frozenset[str]:
        """Values of a nested enum class (``AdsPixelStatsResult``, ``Aggregation``)."""
        node = self.type(name)
        return node.enums.get(enum_class, frozenset()) if node else frozenset()

    def param_values(self, endpoint: Endpoint, param: str) -> frozenset[str] | None:
        """The allowed values of an enum parameter (each element, for ``list<…_enum>``)."""
        declared = endpoint.params.get(param)
        if declared is None:
            return None
        match = _LIST.match(declared)
        ref = endpoint.enum_refs.get(match.group(1) if match else declared)
        if ref is None:
            return None
        if isinstance(ref, frozenset):
            return ref
        return self.enum(*ref)


def sdk_adobjects() -> Path:
    """Where the installed SDK keeps its object modules (found, never imported)."""
    spec = importlib.util.find_spec("facebook_business")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / "adobjects"
        if path.is_dir():
            return path
    raise CatalogueError("the facebook-business package is not installed: the sandbox reads "
                         "its Graph schema from it (pip install facebook-business)")


@functools.cache
def catalogue() -> Catalogue:
    """The catalogue of the installed SDK (one per process)."""
    return Catalogue(sdk_adobjects())
