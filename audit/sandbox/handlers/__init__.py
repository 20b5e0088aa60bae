"""handlers: one parsed, authenticated ``Call`` on a node or edge in, its JSON body out.
One module per area (business, pixel, ads, insights, rules, misc, quality) plus their helpers."""
