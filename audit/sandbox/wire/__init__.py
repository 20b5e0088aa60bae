"""wire: HTTP requests in, Graph-shaped JSON responses (bodies, errors, paging, usage headers) out.
Parses versions, fields, cursors and batches, applies faults and limits, routes to ``handlers``."""
