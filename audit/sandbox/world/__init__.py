"""world: a YAML world file (or mapping) in, a validated, typed ``World`` out.
Also the Graph schema it is checked against (fields, enums), time helpers and the demo files."""
