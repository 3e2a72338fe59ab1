"""Tables behind `store_time`: US states (and Canadian provinces) to IANA zones, abbreviations, long names.

A state with several zones maps to the zone most of its people (and so most of its stores) live in:
Texas is Central, Florida Eastern, Oregon Pacific, Idaho Mountain (Boise), Indiana's own Eastern zone.
Arizona is America/Phoenix (no daylight time; the Navajo Nation's DST is the rare exception). A store in a
minority zone of its state should send its zone through the POS, or set it on the station.
"""

from __future__ import annotations

STATE_ZONES: dict[str, str] = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix",
    "AR": "America/Chicago", "CA": "America/Los_Angeles", "CO": "America/Denver",
    "CT": "America/New_York", "DE": "America/New_York", "DC": "America/New_York",
    "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
    "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago", "KS": "America/Chicago", "KY": "America/New_York",
    "LA": "America/Chicago", "ME": "America/New_York", "MD": "America/New_York",
    "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
    "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver",
    "NE": "America/Chicago", "NV": "America/Los_Angeles", "NH": "America/New_York",
    "NJ": "America/New_York", "NM": "America/Denver", "NY": "America/New_York",
    "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
    "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York",
    "RI": "America/New_York", "SC": "America/New_York", "SD": "America/Chicago",
    "TN": "America/Chicago", "TX": "America/Chicago", "UT": "America/Denver",
    "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
    "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver",
    "PR": "America/Puerto_Rico", "GU": "Pacific/Guam", "VI": "America/St_Thomas",
    # Canada
    "AB": "America/Edmonton", "BC": "America/Vancouver", "MB": "America/Winnipeg",
    "NB": "America/Moncton", "NL": "America/St_Johns", "NS": "America/Halifax",
    "NT": "America/Yellowknife", "NU": "America/Iqaluit", "ON": "America/Toronto",
    "PE": "America/Halifax", "QC": "America/Toronto", "SK": "America/Regina",
    "YT": "America/Whitehorse",
}  # fmt: skip

STATE_NAMES: dict[str, str] = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC",
    "WASHINGTON DC": "DC", "FLORIDA": "FL", "GEORGIA": "GA", "HAWAII": "HI", "IDAHO": "ID",
    "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS", "KENTUCKY": "KY",
    "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI",
    "MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE",
    "NEVADA": "NV", "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM",
    "NEW YORK": "NY", "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH",
    "OKLAHOMA": "OK", "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI",
    "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD", "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT",
    "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA", "WEST VIRGINIA": "WV",
    "WISCONSIN": "WI", "WYOMING": "WY", "PUERTO RICO": "PR", "GUAM": "GU",
    "ALBERTA": "AB", "BRITISH COLUMBIA": "BC", "MANITOBA": "MB", "NEW BRUNSWICK": "NB",
    "NEWFOUNDLAND AND LABRADOR": "NL", "NOVA SCOTIA": "NS", "ONTARIO": "ON",
    "PRINCE EDWARD ISLAND": "PE", "QUEBEC": "QC", "SASKATCHEWAN": "SK", "YUKON": "YT",
}  # fmt: skip

ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    # One zone where the abbreviation is only ever that zone's; several where the state must decide.
    "EST": (
        "America/New_York",
        "America/Detroit",
        "America/Indiana/Indianapolis",
        "America/Toronto",
    ),
    "EDT": (
        "America/New_York",
        "America/Detroit",
        "America/Indiana/Indianapolis",
        "America/Toronto",
    ),
    "ET": ("America/New_York",),
    "CST": ("America/Chicago", "America/Winnipeg", "America/Regina"),
    "CDT": ("America/Chicago", "America/Winnipeg"),
    "CT": ("America/Chicago",),
    "MST": ("America/Denver", "America/Phoenix", "America/Boise", "America/Edmonton"),
    "MDT": ("America/Denver", "America/Boise", "America/Edmonton"),
    "MT": ("America/Denver",),
    "PST": ("America/Los_Angeles", "America/Vancouver"),
    "PDT": ("America/Los_Angeles", "America/Vancouver"),
    "PT": ("America/Los_Angeles",),
    "AKST": ("America/Anchorage",),
    "AKDT": ("America/Anchorage",),
    "HST": ("Pacific/Honolulu",),
    "AST": ("America/Halifax", "America/Puerto_Rico"),
    "NST": ("America/St_Johns",),
}

LONG_NAMES: dict[str, str] = {
    "EST": "Eastern Standard Time", "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time", "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time", "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time", "PDT": "Pacific Daylight Time",
    "AKST": "Alaska Standard Time", "AKDT": "Alaska Daylight Time",
    "HST": "Hawaii Standard Time", "AST": "Atlantic Standard Time", "ADT": "Atlantic Daylight Time",
    "NST": "Newfoundland Standard Time", "NDT": "Newfoundland Daylight Time",
    "UTC": "Coordinated Universal Time", "GMT": "Greenwich Mean Time",
}  # fmt: skip
