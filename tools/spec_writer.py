"""Shared by the tools/make_*_spec(s).py generators: writes a spec with one layer per line,
so the bundled specs stay readable and diff well."""
import json


def write_spec(path, spec, layers):
    """`spec` is the whole spec without its layers; they go in as `layers`, one per line."""
    ordered = {}
    for key, value in spec.items():  # the layers go right after the weights, as in docs/spec.md
        ordered[key] = value
        if key == "weights":
            ordered["layers"] = None
    spec = ordered
    text = json.dumps(spec, indent=2).replace(
        '"layers": null', '"layers": [\n' + ",\n".join("    " + json.dumps(l) for l in layers) + "\n  ]")
    with open(path, "w") as f:
        f.write(text + "\n")
