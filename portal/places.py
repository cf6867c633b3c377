"""Where a municipality lies: Denmark's five regions and the municipalities in each.

Open data gives places as official codes (360Giving's beneficiary and recipient locations,
the DCAT record's spatial coverage): the municipality by Danmarks Statistik's three-digit
code (`Municipality.code`, also the EU's LAU code for Denmark) and its region by the ISO
3166-2 code. The regions and their municipalities are fixed by law (the 2007 reform:
98 municipalities in 5 regions); Danmarks Statistik's region codes 1081-1085 are ISO
3166-2:DK's DK-81 to DK-85. Christiansø (411) is no municipality and has no region.
"""

REGIONS = {
    "DK-81": (
        "Region Nordjylland",
        "773 787 810 813 820 825 840 846 849 851 860",
    ),
    "DK-82": (
        "Region Midtjylland",
        "615 657 661 665 671 706 707 710 727 730 740 741 746 751 756 760 766 779 791",
    ),
    "DK-83": (
        "Region Syddanmark",
        "410 420 430 440 450 461 479 480 482 492 510 530 540 550 561 563 573 575 580 607 621 630",
    ),
    "DK-84": (
        "Region Hovedstaden",
        "101 147 151 153 155 157 159 161 163 165 167 169 173 175 183 185 187 190 201 210 217 219 "
        "223 230 240 250 260 270 400",
    ),
    "DK-85": (
        "Region Sjælland",
        "253 259 265 269 306 316 320 326 329 330 336 340 350 360 370 376 390",
    ),
}

_REGION_OF = {code: region for region, (_name, codes) in REGIONS.items() for code in codes.split()}


def region_of(municipality_code: str) -> tuple[str, str] | None:
    """(ISO 3166-2 code, name) of the region a municipality lies in, e.g. ("DK-84", "Region
    Hovedstaden") for "147"; None for a code that is no Danish municipality."""
    region = _REGION_OF.get(str(municipality_code).zfill(3))
    return None if region is None else (region, REGIONS[region][0])
