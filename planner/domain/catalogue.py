"""Catalogue files -> validated pandas tables and rule objects.

Layout of a catalogue folder (see ``catalogue/README.md``)::

    tables/<name>.csv          a specification's group table: ref,title,level,credits,glh,group
    qualifications/<slug>.toml one qualification: identity, group table, rules of combination
    areas.csv                  skill areas: id,name                       (optional)
    unit_areas.csv             the project's area tagging: ref,title,areas,rationale (optional)

Everything is checked on load; a problem raises ``CatalogueError`` (or ``RuleError``) naming the
file, the line and the field.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from planner.domain.errors import CatalogueError, InputError, NotUtf8, RuleError, utf8_text
from planner.domain.kinds import KINDS, RuleInput
from planner.domain.rules import AllowedUnits, Qualification, Rule, short

TABLE_COLUMNS = ("ref", "title", "level", "credits", "glh", "group")
REF_PATTERN = re.compile(r"^[0-9A-Za-z]+-\d+$")


class UnitFacts(NamedTuple):
    ref: str
    title: str
    level: int
    credits: int
    glh: int
    areas: tuple[str, ...]

    @property
    def tqt(self) -> int:
        """On the RQF one credit stands for 10 hours of total qualification time."""
        return self.credits * 10


@dataclass(frozen=True)
class Catalogue:
    """The loaded catalogue. ``units`` has one row per distinct unit, indexed by ref."""

    root: Path
    units: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    qualifications: dict[str, Qualification]
    areas: pd.DataFrame  # id, name (empty when the catalogue has no areas)
    unit_areas: pd.DataFrame  # ref, areas (tuple), rationale

    def __hash__(self) -> int:
        return id(self)

    @functools.cached_property
    def facts(self) -> dict[str, UnitFacts]:
        """ref -> plain facts, for the hot paths that should not touch pandas."""
        areas = dict(zip(self.unit_areas["ref"], self.unit_areas["areas"], strict=True))
        return {
            ref: UnitFacts(ref, row.title, int(row.level), int(row.credits), int(row.glh),
                           areas.get(ref, ()))
            for ref, row in self.units.iterrows()
        }

    @functools.cached_property
    def rank(self) -> dict[str, int]:
        """ref -> position in ref order, the deterministic last tie-break."""
        return {ref: i for i, ref in enumerate(sorted(self.units.index))}

    # -- lookups -------------------------------------------------------------------------
    def qualification(self, text: str, field: str | None = None) -> Qualification:
        """A qualification by slug, name or accreditation number (case and punctuation aside),
        or an unambiguous prefix of its slug ('ext', 'cert'), as skill areas take prefixes."""
        key = _norm_key(text)
        quals = list(self.qualifications.values())
        for q in quals:
            if key in {_norm_key(q.slug), _norm_key(q.accreditation), _norm_key(q.name)}:
                return q
        hits = [q for q in quals if key and _norm_key(q.slug).startswith(key)]
        if len(hits) == 1:
            return hits[0]
        known = ", ".join(q.slug for q in quals)
        what = "ambiguous" if hits else "unknown"
        raise InputError(f"{what} qualification '{text}' (known: {known})", field=field)

    def resolve_unit(self, text: str, field: str | None = None) -> str:
        """'8605-404' or '404' -> '8605-404'; anything else is an ``InputError``."""
        t = str(text).strip()
        if t in self.units.index:
            return t
        matches = self._by_number.get(t.lstrip("0") or "0", []) if t.isdigit() else []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise InputError(f"unit '{t}' is ambiguous: {', '.join(matches)}", field=field)
        raise InputError(f"unknown unit '{t}'", field=field)

    def resolve_units(self, items, field: str | None = None) -> tuple[str, ...]:
        """Resolve a list of unit texts (each may be a comma or space separated list), keeping
        order and dropping repeats."""
        out: list[str] = []
        for item in items or ():
            for part in re.split(r"[,\s]+", str(item).strip()):
                if part:
                    ref = self.resolve_unit(part, field)
                    if ref not in out:
                        out.append(ref)
        return tuple(out)

    @functools.cached_property
    def _by_number(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for ref in self.units.index:
            out.setdefault(short(ref).lstrip("0") or "0", []).append(ref)
        return out

    def unit_table(self, qual: Qualification) -> pd.DataFrame:
        """The qualification's units as its specification prints them, with group and whether the
        rules allow each one, in ref order."""
        table = self.tables[qual.table].copy()
        allowed = qual.allowed
        table["allowed"] = table["ref"].map(lambda r: r in allowed)
        areas = dict(zip(self.unit_areas["ref"], self.unit_areas["areas"], strict=True))
        table["areas"] = table["ref"].map(lambda r: areas.get(r, ()))
        return table.sort_values("ref", kind="stable").reset_index(drop=True)

    def area(self, text: str, field: str | None = None) -> str:
        """An area id from its id or name, case-insensitively, or an unambiguous word prefix."""
        if self.areas.empty:
            raise InputError("this catalogue has no skill areas", field=field)
        key = " ".join(str(text).lower().replace("-", " ").replace("_", " ").split())
        exact = [i for i, n in zip(self.areas["id"], self.areas["name"], strict=True)
                 if key in (i.lower(), n.lower())]
        if exact:
            return exact[0]
        hits = [i for i, n in zip(self.areas["id"], self.areas["name"], strict=True)
                if key and (i.lower().startswith(key) or n.lower().startswith(key)
                            or any(w.startswith(key) for w in n.lower().split() if len(w) > 3))]
        if len(hits) == 1:
            return hits[0]
        valid = "; ".join(f"{i} ({n})" for i, n in zip(self.areas["id"], self.areas["name"],
                                                       strict=True))
        what = "ambiguous" if hits else "unknown"
        raise InputError(f"{what} skill area '{text}' (valid: {valid})", field=field)

    def area_name(self, area_id: str) -> str:
        return dict(zip(self.areas["id"], self.areas["name"], strict=True)).get(area_id, area_id)


def _norm_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", str(text).lower())


# -- loading -------------------------------------------------------------------------------

def default_root() -> Path:
    """The catalogue folder: $PLANNER_CATALOGUE, the copy installed inside the package, or the
    repository's ``catalogue/`` next to the package (an editable install)."""
    env = os.environ.get("PLANNER_CATALOGUE")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parent.parent  # planner/
    for candidate in (package / "catalogue_data", package.parent / "catalogue"):
        if (candidate / "qualifications").is_dir():
            return candidate
    raise CatalogueError("no catalogue found; set PLANNER_CATALOGUE or pass --catalogue")


@functools.lru_cache(maxsize=8)
def _load_cached(root: Path, key: str) -> Catalogue:
    cached = _read_disk_cache(key)
    if cached is not None:
        return cached
    catalogue = _load(root)
    _write_disk_cache(key, catalogue)
    return catalogue


def load_catalogue(root: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue folder (default: the bundled one). Cached per folder, in
    memory and on disk (``cache_dir()``), until one of its files or the loading code changes."""
    path = Path(root) if root is not None else default_root()
    if not path.is_dir():
        raise CatalogueError("catalogue folder not found", file=str(path))
    root = path.resolve()
    return _load_cached(root, _cache_key(root))


# -- the on-disk cache ------------------------------------------------------------------------
# Parsing and checking the files through pandas costs more than a plan (about 60 ms); a command
# line pays it on every run. So the checked catalogue is pickled under a key made of every
# catalogue file's path and bytes and of the code that reads them: any change to either is a
# new key, and the old entry is never read again. A catalogue with an error is never cached
# (the error is raised again on every load). The cache is a convenience: if its folder cannot
# be written or an entry cannot be read, the catalogue is loaded from its files.

def cache_dir() -> Path | None:
    """$PLANNER_CACHE_DIR, else $XDG_CACHE_HOME/planner, else ~/.cache/planner; None (no disk
    cache) when $PLANNER_CACHE_DIR is set empty."""
    env = os.environ.get("PLANNER_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "planner"


@functools.cache
def _code_stamp() -> bytes:
    """The loading code and the libraries its pickle depends on: the domain package's modules
    (name, size, mtime), Python's and pandas' versions."""
    domain = Path(__file__).resolve().parent
    parts = [sys.version, pd.__version__]
    for f in sorted(domain.rglob("*.py")):
        st = f.stat()
        parts.append(f"{f.relative_to(domain)}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts).encode()


def _cache_key(root: Path) -> str:
    digest = hashlib.blake2b(_code_stamp(), digest_size=20)
    digest.update(str(root).encode() + b"\0")
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        data = f.read_bytes()
        digest.update(f"{f.relative_to(root)}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _read_disk_cache(key: str) -> Catalogue | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = (folder / f"catalogue-{key}.pickle").read_bytes()
    except OSError:
        return None
    try:
        catalogue = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged entry is a miss; the files are read instead
        return None
    return catalogue if isinstance(catalogue, Catalogue) else None


def _write_disk_cache(key: str, catalogue: Catalogue) -> None:
    import tempfile
    import time

    folder = cache_dir()
    if folder is None:
        return
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        week_ago = time.time() - 7 * 86400
        for old in folder.glob("catalogue-*.pickle"):  # entries of catalogues since changed
            if old.stat().st_mtime < week_ago:
                old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".catalogue-", delete=False) as f:
            tmp = f.name
            f.write(pickle.dumps(catalogue, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, folder / f"catalogue-{key}.pickle")  # atomic: never read half-written
    except (OSError, pickle.PicklingError):
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _read_csv(root: Path, path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    name = _rel(root, path)
    try:
        text = utf8_text(path.read_bytes())
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                         skipinitialspace=True)
    except FileNotFoundError:
        raise CatalogueError("file not found", file=name) from None
    except NotUtf8 as exc:
        raise CatalogueError(str(exc), file=name) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CatalogueError(f"not a readable CSV file ({str(exc).splitlines()[0]})",
                             file=name) from None
    df.columns = [str(c).strip() for c in df.columns]
    for col in columns:
        if col not in df.columns:
            raise CatalogueError(f"missing column '{col}' (columns: {', '.join(df.columns)})",
                                 file=name, field=col)
    df = df.apply(lambda s: s.str.strip())
    for i, row in enumerate(df.itertuples(index=False), start=2):
        for col in columns:
            if getattr(row, col) == "" and col not in ("rationale",):
                raise CatalogueError("empty value", file=name, line=i, field=col)
    return df


def _int_column(df: pd.DataFrame, name: str, col: str, lo: int, hi: int | None = None) -> pd.Series:
    out = []
    for i, value in enumerate(df[col], start=2):
        if not re.fullmatch(r"\d+", value):
            raise CatalogueError(f"'{value}' is not a whole number", file=name, line=i, field=col)
        n = int(value)
        if n < lo or (hi is not None and n > hi):
            span = f"{lo} to {hi}" if hi is not None else f"at least {lo}"
            raise CatalogueError(f"{n} is out of range ({span})", file=name, line=i, field=col)
        out.append(n)
    return pd.Series(out, index=df.index, dtype="int64")


def _load_table(root: Path, path: Path) -> pd.DataFrame:
    name = _rel(root, path)
    df = _read_csv(root, path, TABLE_COLUMNS)[list(TABLE_COLUMNS)]
    for i, ref in enumerate(df["ref"], start=2):
        if not REF_PATTERN.match(ref):
            raise CatalogueError(f"'{ref}' is not a unit reference like 8605-404", file=name,
                                 line=i, field="ref")
    dup = df["ref"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().argmax())
        raise CatalogueError(f"duplicate ref {df['ref'].iloc[i]}", file=name, line=i + 2,
                             field="ref")
    df["title"] = df["title"].map(lambda t: " ".join(t.split()))
    df["level"] = _int_column(df, name, "level", 1, 8)
    df["credits"] = _int_column(df, name, "credits", 1)
    df["glh"] = _int_column(df, name, "glh", 0)
    df["group"] = _int_column(df, name, "group", 1)
    return df


def _merge_units(root: Path, tables: dict[str, pd.DataFrame],
                 files: dict[str, Path]) -> pd.DataFrame:
    """One row per distinct unit; the same unit must have the same facts in every table."""
    seen: dict[str, tuple[str, Any]] = {}
    rows = []
    for tname, df in tables.items():
        for i, row in enumerate(df.itertuples(index=False), start=2):
            facts = (row.title.casefold(), row.level, row.credits, row.glh)
            if row.ref in seen:
                other, ofacts = seen[row.ref]
                for fld, a, b in zip(("title", "level", "credits", "glh"), facts, ofacts,
                                     strict=True):
                    if a != b:
                        raise CatalogueError(
                            f"{row.ref} has {fld} '{a}' here but '{b}' in {other}",
                            file=_rel(root, files[tname]), line=i, field=fld)
                continue
            seen[row.ref] = (_rel(root, files[tname]), facts)
            rows.append({"ref": row.ref, "title": row.title, "level": row.level,
                         "credits": row.credits, "glh": row.glh})
    units = pd.DataFrame(rows, columns=["ref", "title", "level", "credits", "glh"])
    return units.sort_values("ref").set_index("ref")


def _load(root: Path) -> Catalogue:
    table_files = {p.stem: p for p in sorted((root / "tables").glob("*.csv"))}
    if not table_files:
        raise CatalogueError("no group tables (tables/*.csv)", file=_rel(root, root / "tables"))
    tables = {name: _load_table(root, p) for name, p in table_files.items()}
    units = _merge_units(root, tables, table_files)
    areas, unit_areas = _load_areas(root, units)
    quals = [_load_qualification(root, p, tables)
             for p in sorted((root / "qualifications").glob("*.toml"))]
    if not quals:
        raise CatalogueError("no qualifications (qualifications/*.toml)",
                             file=_rel(root, root / "qualifications"))
    quals.sort(key=lambda q: (q.order, q.slug))
    by_slug: dict[str, Qualification] = {}
    for q in quals:
        if q.slug in by_slug:
            raise CatalogueError(f"slug '{q.slug}' is used twice", file=q.file, field="slug")
        by_slug[q.slug] = q
    return Catalogue(root, units, tables, by_slug, areas, unit_areas)


def _load_areas(root: Path, units: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    apath, upath = root / "areas.csv", root / "unit_areas.csv"
    if not apath.exists():
        return (pd.DataFrame(columns=["id", "name"]),
                pd.DataFrame({"ref": pd.Series(dtype=str), "areas": pd.Series(dtype=object),
                              "rationale": pd.Series(dtype=str)}))
    areas = _read_csv(root, apath, ("id", "name"))[["id", "name"]]
    aname = _rel(root, apath)
    for i, (aid, dup) in enumerate(zip(areas["id"], areas["id"].duplicated(), strict=True), 2):
        if dup:
            raise CatalogueError(f"duplicate area id '{aid}'", file=aname, line=i, field="id")
    uname = _rel(root, upath)
    ua = _read_csv(root, upath, ("ref", "areas", "rationale"))
    known = set(areas["id"])
    parsed = []
    for i, row in enumerate(ua.itertuples(index=False), start=2):
        if row.ref not in units.index:
            raise CatalogueError(f"unknown unit {row.ref}", file=uname, line=i, field="ref")
        ids = tuple(row.areas.split())
        bad = [a for a in ids if a not in known]
        if bad:
            raise CatalogueError(f"unknown area '{bad[0]}' (known: {', '.join(sorted(known))})",
                                 file=uname, line=i, field="areas")
        if not 1 <= len(ids) <= 2 or len(set(ids)) != len(ids):
            raise CatalogueError("give one or two different areas", file=uname, line=i,
                                 field="areas")
        parsed.append(ids)
    dup = ua["ref"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().argmax())
        raise CatalogueError(f"duplicate ref {ua['ref'].iloc[i]}", file=uname, line=i + 2,
                             field="ref")
    missing = sorted(set(units.index) - set(ua["ref"]))
    if missing:
        raise CatalogueError(f"no areas for {', '.join(missing[:5])}"
                             + (" ..." if len(missing) > 5 else ""), file=uname, field="ref")
    out = pd.DataFrame({"ref": ua["ref"], "areas": parsed, "rationale": ua["rationale"]})
    return areas.reset_index(drop=True), out.sort_values("ref").reset_index(drop=True)


# -- qualification files --------------------------------------------------------------------

_QUAL_KEYS = {"slug": str, "name": str, "accreditation": str, "table": str, "level": int,
              "order": int, "specification": str}
_QUAL_OPTIONAL = {"tqt": int, "glh": int, "duration_years": int}


def _load_qualification(root: Path, path: Path, tables: dict[str, pd.DataFrame]) -> Qualification:
    name = _rel(root, path)
    import tomllib  # only when the catalogue is read from its files, not from the cache

    try:
        data = tomllib.loads(utf8_text(path.read_bytes()))
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"not valid TOML ({exc})", file=name) from None
    except NotUtf8 as exc:
        raise RuleError(str(exc), file=name) from None
    except OSError as exc:
        raise RuleError(f"cannot read ({exc.strerror or exc})", file=name) from None
    for key, typ in {**_QUAL_KEYS, **_QUAL_OPTIONAL}.items():
        if key not in data:
            if key in _QUAL_KEYS:
                raise RuleError("missing", file=name, field=key)
            continue
        if not isinstance(data[key], typ) or isinstance(data[key], bool):
            raise RuleError(f"must be {'a whole number' if typ is int else 'text'}", file=name,
                            field=key)
    if data["table"] not in tables:
        raise RuleError(f"unknown group table '{data['table']}' (known: {', '.join(tables)})",
                        file=name, field="table")
    table = tables[data["table"]]
    groups = dict(zip(table["ref"], (int(g) for g in table["group"]), strict=True))
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleError("no [[rules]]", file=name, field="rules")
    rules = tuple(_parse_rule(name, i, raw, groups) for i, raw in enumerate(raw_rules, start=1))
    if not any(isinstance(r, AllowedUnits) for r in rules):
        raise RuleError("no 'allowed' rule: the qualification would accept no unit", file=name,
                        field="rules")
    return Qualification(
        slug=data["slug"], name=data["name"], accreditation=data["accreditation"],
        table=data["table"], level=data["level"], tqt=data.get("tqt"), glh=data.get("glh"),
        order=data["order"], specification=data["specification"],
        duration_years=data.get("duration_years"), rules=rules, groups=groups, file=name)


def _parse_rule(name: str, i: int, raw: Any, groups: dict[str, int]) -> Rule:
    """One ``[[rules]]`` table -> its rule, read by its kind (``planner.domain.kinds``)."""
    where = f"rules[{i}]"
    if not isinstance(raw, dict):
        raise RuleError("must be a table", file=name, field=where)
    kind = raw.get("kind")
    if kind is None:
        raise RuleError(f"has no kind (known: {', '.join(KINDS)})", file=name,
                        field=f"{where}.kind")
    if kind not in KINDS:
        raise RuleError(f"unknown kind '{kind}' (known: {', '.join(KINDS)})", file=name,
                        field=f"{where}.kind")
    return KINDS[kind].parse(RuleInput(name, where, raw, groups))
