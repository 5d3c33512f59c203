"""Writes phone_golden.tsv: what Google's libphonenumber (its Python port `phonenumbers`, pinned
to the metadata the product runs on) says of about 30 numbers for every region it knows.

    python3 -m venv /tmp/pn && /tmp/pn/bin/pip install phonenumbers==9.0.42
    /tmp/pn/bin/python make_phone_golden.py > phone_golden.tsv

Each line: region the number is read for (empty: none, the number carries its own `+`), the
number as written, 1 if valid else 0, its E.164 form when valid, and why the case is there.
The product's `normalise_phone` must give the same verdict and E.164 for every line
(`kernel::phone` tests). When the product moves to newer metadata, pin the same version here and
run it again.
"""
import sys

import phonenumbers as pn
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

METADATA = "9.0.42"
assert pn.__version__ == METADATA, f"pin phonenumbers=={METADATA}, not {pn.__version__}"

TYPES = [T.FIXED_LINE, T.MOBILE, T.TOLL_FREE, T.PREMIUM_RATE, T.SHARED_COST, T.VOIP,
         T.PERSONAL_NUMBER, T.PAGER, T.UAN, T.VOICEMAIL]
# Russian and Kazakh numbers whose national number starts with 8, the trunk prefix too.
RU_KZ_EIGHTS = ["811", "812", "813", "821", "831", "841", "842", "851", "861", "862", "871",
                "872", "800", "808", "809"]

rows = []
seen = set()


def add(region, raw, why):
    if (region, raw) in seen:
        return
    seen.add((region, raw))
    try:
        number = pn.parse(raw, region or None)
        valid = pn.is_valid_number(number)
        e164 = pn.format_number(number, F.E164) if valid else ""
    except pn.NumberParseException:
        valid, e164 = False, ""
    rows.append((region, raw, "1" if valid else "0", e164, why))


def variants(region, cc, nsn, national, international, prefix, kind):
    # A digit added: one that depends on the number, so a run always makes the same file.
    extra = str(sum(map(int, nsn)) % 10)
    add(region, national, f"{kind} example, national")
    add(region, f"+{cc}{nsn}", f"{kind} example, E.164 read for the region")
    add("", f"+{cc} {nsn}", f"{kind} example, E.164 alone")
    add(region, nsn[:-1], f"{kind} example, a digit dropped")
    add("", f"+{cc}{nsn[:-1]}", f"{kind} example, a digit dropped, E.164")
    add(region, nsn + extra, f"{kind} example, a digit added")
    add("", f"+{cc}{nsn}{extra}", f"{kind} example, a digit added, E.164")
    add(region, f"{cc}{nsn}", f"{kind} example, calling code without +")
    if prefix:
        add(region, f"{prefix}{nsn}", f"{kind} example, with the trunk prefix")
    add(region, international, f"{kind} example, international format")
    add("", international, f"{kind} example, international format alone")
    # The same length with one digit changed: inside the country's ranges or not.
    add("", national, f"{kind} example, national format with no region to read it by")
    add(region, f"00{cc}{nsn}", f"{kind} example, dialled with 00 before the calling code")
    for i, d in enumerate(nsn):
        changed = nsn[:i] + str((int(d) + i + 1) % 10) + nsn[i + 1:]
        add(region if i % 2 else "", changed if i % 2 else f"+{cc}{changed}", f"{kind} example, digit {i + 1} changed")


for region in sorted(pn.SUPPORTED_REGIONS):
    cc = pn.country_code_for_region(region)
    prefix = pn.PhoneMetadata.metadata_for_region(region).national_prefix or ""
    for t in TYPES:
        example = pn.example_number_for_type(region, t)
        if example is None:
            continue
        nsn = pn.national_significant_number(example)
        national = pn.format_number(example, F.NATIONAL)
        international = pn.format_number(example, F.INTERNATIONAL)
        variants(region, cc, nsn, national, international, prefix, T.to_string(t).lower())
        # A national number that begins with the calling code.
        if nsn.startswith(str(cc)):
            add(region, nsn, "national number beginning with the calling code")
    invalid = pn.invalid_example_number(region)
    if invalid is not None:
        add(region, pn.format_number(invalid, F.NATIONAL), "the reference's invalid example")
        add("", pn.format_number(invalid, F.E164), "the reference's invalid example, E.164")
    for code in RU_KZ_EIGHTS if region in ("RU", "KZ") else []:
        add(region, f"8 ({code}) 345-67-89", "trunk prefix 8 before an area code starting with 8")
        add(region, f"+7{code}3456789", "area code starting with 8, E.164")

for cc in sorted(pn.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
    example = pn.example_number_for_non_geo_entity(cc)
    if example is not None:
        nsn = pn.national_significant_number(example)
        add("", f"+{cc}{nsn}", "non-geographic example, E.164")
        add("", f"+{cc}{nsn[:-1]}", "non-geographic example, a digit dropped")

# The cases the issue names.
for region, raw in [("RU", "+78123456789"), ("RU", "8 (812) 345-67-89"), ("BR", "(55) 96123-4567"),
                    ("IT", "392 345 6789"), ("NO", "47 61 23 45"), ("PL", "48 234 56 78"),
                    ("SG", "6523 4567"), ("RW", "250 123 456"), ("CN", "010 1234 567"),
                    ("", "+8610123456787"), ("PH", "(02) 3234 567"), ("", "+601234567897"),
                    ("", "+880271112347"), ("", "+35322123457"), ("", "+34400123456"),
                    ("", "+46781234567")]:
    add(region, raw, "named in the issue")

out = sys.stdout
out.write(f"# phonenumbers {METADATA}: region\tnumber\tvalid\te164\twhy\n")
for row in rows:
    out.write("\t".join(row) + "\n")
