#!/usr/bin/python3
"""Validate JSON Lines (or one JSON document) against a schema in schemas/.

usage: validate_json.py SCHEMA.json FILE [--lines]

Uses Debian's python3-jsonschema (Draft 2020-12), resolving references to
the other schemas in the same directory.  Exit 0 when every document is
valid, 1 otherwise (each error printed), 2 on usage errors.
"""
import json
import os
import sys

import jsonschema


def load_store(schema_dir):
    store = {}
    for name in os.listdir(schema_dir):
        if name.endswith(".schema.json"):
            with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
                doc = json.load(f)
            jsonschema.Draft202012Validator.check_schema(doc)
            store[name] = doc
            store[doc["$id"]] = doc
    return store


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema_path, data_path = sys.argv[1], sys.argv[2]
    schema_dir = os.path.dirname(os.path.abspath(schema_path))
    store = load_store(schema_dir)
    schema = store[os.path.basename(schema_path)]
    resolver = jsonschema.RefResolver(base_uri=schema["$id"],
                                      referrer=schema, store=store)
    validator = jsonschema.Draft202012Validator(
        schema, resolver=resolver,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    bad = 0
    count = 0
    with open(data_path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            count += 1
            try:
                doc = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                print("%s:%d: not JSON: %s" % (data_path, lineno, e))
                bad += 1
                continue
            for err in validator.iter_errors(doc):
                print("%s:%d: %s at %s" % (data_path, lineno, err.message,
                                           list(err.absolute_path)))
                bad += 1
    if count == 0:
        print("%s: no documents" % data_path)
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
