"""The catalogue: every unit of both specifications, and clear errors for broken files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from planner.domain.catalogue import load_catalogue
from planner.domain.errors import CatalogueError, RuleError

SPECS = Path(__file__).resolve().parents[2] / "shared" / "specs"


def spec_units(name: str) -> dict[str, tuple]:
    """Parse a specification's group tables straight from its text: ref -> (level, credits, glh,
    group). Independent of the catalogue files it checks."""
    lines = [x.strip() for x in (SPECS / name).read_text(encoding="utf-8").splitlines()]
    out, group, i = {}, None, 0
    while i < len(lines):
        if lines[i] in ("Group 1", "Group 2"):
            group = int(lines[i][-1])
        m = re.fullmatch(r"(8605-\d{3})\^?", lines[i])
        if m and group:
            vals, j = [], i + 1
            while len(vals) < 4:
                if lines[j]:
                    vals.append(lines[j])
                j += 1
            out[m.group(1)] = (int(vals[1]), int(vals[2]), int(vals[3]), group)
            i = j
            continue
        i += 1
    return out


@pytest.mark.skipif(not SPECS.is_dir(), reason="../shared/specs is not beside this checkout")
@pytest.mark.parametrize("spec,table,rows", [
    ("ilm-level4-award-certificate-diploma.txt", "ilm-l4-award-certificate-diploma", 104),
    ("ilm-level4-extended-diploma.txt", "ilm-l4-extended-diploma", 102),
])
def test_tables_match_the_specifications(cat, spec, table, rows):
    expected = spec_units(spec)
    t = cat.tables[table]
    assert len(expected) == rows == len(t)
    got = {r.ref: (r.level, r.credits, r.glh, r.group) for r in t.itertuples()}
    assert got == expected


def test_106_distinct_units(cat):
    assert len(cat.units) == 106


def nums(refs):
    return sorted(int(r[-3:]) for r in refs)


def rng(*spans):
    out = []
    for s in spans:
        a, _, b = str(s).partition("-")
        out += list(range(int(a), int(b or a) + 1))
    return out


G2_TABLE = rng("300-341", 359, 361, "501-530", 533, 550)


@pytest.mark.parametrize("slug,group,expected", [
    ("award", 1, rng("400-408", "410-427")),
    ("award", 2, []),
    ("certificate", 1, rng("400-408", "410-427")),
    ("certificate", 2, [n for n in G2_TABLE if n not in (521, 523, 524)]),
    ("diploma", 1, rng("400-427")),
    ("diploma", 2, G2_TABLE),
    ("extended-diploma", 1, [308, 400, 401, 409, 532]),
    ("extended-diploma", 2, [n for n in rng("300-341", 343, "400-427", "501-530")
                             if n not in (308, 400, 401, 409)]),
])
def test_allowed_units_follow_domain(cat, slug, group, expected):
    q = cat.qualifications[slug]
    assert nums(r for r, g in q.allowed.items() if g == group) == expected


def test_unit_group_depends_on_the_qualification(cat):
    assert cat.qualifications["diploma"].group_of("8605-410") == 1
    assert cat.qualifications["extended-diploma"].group_of("8605-410") == 2


@pytest.mark.parametrize("text,slug", [("award", "award"), ("600/5931/X", "diploma"),
                                       ("6005931x", "diploma"), ("Extended Diploma",
                                                                 "extended-diploma"),
                                       ("extended_diploma", "extended-diploma")])
def test_qualification_lookup(cat, text, slug):
    assert cat.qualification(text).slug == slug


def test_unit_lookup(cat):
    assert cat.resolve_unit("404") == "8605-404"
    assert cat.resolve_units(["404,425", "8605-420 421"]) == (
        "8605-404", "8605-425", "8605-420", "8605-421")


# -- broken catalogues -------------------------------------------------------------------------

TABLE = "tables/ilm-l4-award-certificate-diploma.csv"


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    p = root / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {rel}"
    p.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.mark.parametrize("rel,old,new,where", [
    (TABLE, "ref,title,level,credits,glh,group", "ref,title,level,credits,group",
     r"ilm-l4-award-certificate-diploma.csv, field 'glh': missing column"),
    (TABLE, "8605-408,Management Communication,4,4,18,1", "8605-408,Management Communication,4,four,18,1",
     r"ilm-l4-award-certificate-diploma.csv, line 3, field 'credits': 'four' is not a whole number"),
    (TABLE, "8605-408,Management Communication", "8605-410,Management Communication",
     r"line 3, field 'ref': duplicate ref 8605-410"),
    (TABLE, "8605-408,Management Communication,4,4,18,1", "8605-408,Management Communication,4,4,18,",
     r"line 3, field 'group': empty value"),
    (TABLE, "8605-408,Management Communication,4,4,18,1", "8605-408,Management Communication,4,5,18,1",
     r"ilm-l4-extended-diploma.csv, line 8, field 'credits': 8605-408 has credits '4' here but "
     r"'5' in .*ilm-l4-award-certificate-diploma.csv"),
    ("qualifications/award.toml", 'units = "400-408, 410-427"', 'units = "400-408, 410-427, 999"',
     r"award.toml, field 'rules\[1\].units': unit '999' is not in the qualification's group table"),
    ("qualifications/certificate.toml", "kind = \"group_credits\"\ngroup = 2",
     "kind = \"group_credits\"\ngroup = 3",
     r"certificate.toml, field 'rules\[4\].group': unknown group 3"),
    ("qualifications/diploma.toml", 'kind = "credits"', 'kind = "credit"',
     r"diploma.toml, field 'rules\[3\].kind': unknown kind 'credit'"),
    ("qualifications/award.toml", "min = 5\nmax = 12", "min = 15\nmax = 12",
     r"award.toml, field 'rules\[2\]': min 15 is above max 12"),
    ("qualifications/extended-diploma.toml", 'units = "308, 400, 401, 409, 532"\nsource = "Rules',
     'units = "308, 400, 401, 409, 533"\nsource = "Rules',
     r"extended-diploma.toml, field 'rules\[1\].units': unit '533' is not in"),
    ("qualifications/award.toml", 'slug = "award"', 'slug = award', r"award.toml: not valid TOML"),
    ("qualifications/award.toml", 'accreditation = "600/5851/1"\n', "",
     r"award.toml, field 'accreditation': missing"),
])
def test_broken_catalogue_names_file_line_and_field(tmp_catalogue, rel, old, new, where):
    edit(tmp_catalogue, rel, old, new)
    with pytest.raises(CatalogueError, match=where):
        load_catalogue(tmp_catalogue)


def test_rule_errors_are_catalogue_errors(tmp_catalogue):
    edit(tmp_catalogue, "qualifications/diploma.toml", 'kind = "credits"', 'kind = "credit"')
    with pytest.raises(RuleError):
        load_catalogue(tmp_catalogue)


def test_broken_catalogue_on_the_command_line(tmp_catalogue, run):
    edit(tmp_catalogue, TABLE, "8605-408,Management Communication,4,4,18,1",
         "8605-408,Management Communication,4,x,18,1")
    code, out, err = run("plan", "award", "--catalogue", tmp_catalogue)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "line 3, field 'credits'" in err and "Traceback" not in err


def test_a_fifth_qualification_is_data_only(tmp_catalogue, cat):
    """A new qualification file, no code: the planner plans it."""
    text = (tmp_catalogue / "qualifications/award.toml").read_text()
    text = text.replace('slug = "award"', 'slug = "mini"').replace(
        "order = 1", "order = 5").replace("600/5851/1", "000/0000/0").replace(
        "min = 5\nmax = 12", "min = 6\nmax = 8")
    (tmp_catalogue / "qualifications/mini.toml").write_text(text)
    from planner.questions.plan import plan

    c2 = load_catalogue(tmp_catalogue)
    r = plan(c2, "mini")
    assert r.status.value == "optimal" and 6 <= r.pathway.credits <= 8


def test_a_rule_without_a_kind_says_so(tmp_catalogue, run):
    """An empty ``[[rules]]`` table names file and rule, never "kind 'None'"."""
    p = tmp_catalogue / "qualifications/award.toml"
    p.write_text(p.read_text(encoding="utf-8") + "\n[[rules]]\n", encoding="utf-8")
    code, out, err = run("plan", "award", "--catalogue", tmp_catalogue)
    assert code == 2 and out == ""
    assert "award.toml" in err and "rules[" in err and "has no kind" in err
    assert "None" not in err


@pytest.mark.parametrize("rel", ["areas.csv", "unit_areas.csv", TABLE,
                                 "tables/ilm-l4-extended-diploma.csv",
                                 "qualifications/award.toml"])
def test_a_catalogue_file_not_utf8_says_so_as_every_file_does(tmp_catalogue, rel):
    """CSV and TOML files of the catalogue give the wording batch and cohort give, the first
    bad byte counted from 1 (a byte-order mark counts)."""
    p = tmp_catalogue / rel
    p.write_bytes(b"\xef\xbb\xbf" + b"\xff" + p.read_bytes())
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(tmp_catalogue)
    assert str(exc.value).endswith(f"{rel}: not UTF-8 text (byte 4)")
    assert "codec" not in str(exc.value)


# -- the on-disk cache (planner.domain.catalogue.cache_dir) -----------------------------------

def _fresh_load(root, monkeypatch, cache):
    """A load as a new process makes it: nothing in memory, the disk cache in ``cache``."""
    from planner.domain import catalogue as module

    monkeypatch.setenv("PLANNER_CACHE_DIR", str(cache))
    module._load_cached.cache_clear()
    return load_catalogue(root)


def _same(a, b) -> bool:
    return (a.units.equals(b.units) and a.tables.keys() == b.tables.keys()
            and all(a.tables[k].equals(b.tables[k]) for k in a.tables)
            and a.qualifications == b.qualifications and a.areas.equals(b.areas)
            and a.unit_areas.equals(b.unit_areas) and a.root == b.root)


def test_the_disk_cache_gives_the_catalogue_the_files_give(tmp_catalogue, tmp_path, monkeypatch):
    from planner.domain import catalogue as module

    plain = _fresh_load(tmp_catalogue, monkeypatch, "")  # no disk cache
    assert not (tmp_path / "cache").exists()
    first = _fresh_load(tmp_catalogue, monkeypatch, tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("catalogue-*.pickle"))) == 1 and _same(plain, first)
    calls = []
    monkeypatch.setattr(module, "_load", lambda root: calls.append(root))
    second = _fresh_load(tmp_catalogue, monkeypatch, tmp_path / "cache")
    assert calls == [] and second is not first and _same(first, second)


def test_the_disk_cache_sees_a_changed_file(tmp_catalogue, tmp_path, monkeypatch):
    from planner.domain import catalogue as module

    _fresh_load(tmp_catalogue, monkeypatch, tmp_path / "cache")
    areas = tmp_catalogue / "areas.csv"
    st = areas.stat()
    text = areas.read_text()
    area = text.splitlines()[1].split(",")[0]
    areas.write_text(text.replace(f"{area},", f"{area},Renamed ", 1))
    os.utime(areas, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with the old time stamp
    got = _fresh_load(tmp_catalogue, monkeypatch, tmp_path / "cache")
    assert got.area_name(area).startswith("Renamed ")
    areas.write_text(text.replace(f"{area},", ",", 1))  # and an error is raised, not cached
    with pytest.raises(CatalogueError):
        _fresh_load(tmp_catalogue, monkeypatch, tmp_path / "cache")
    assert module._read_disk_cache(module._cache_key(tmp_catalogue.resolve())) is None


def test_a_damaged_cache_entry_is_read_from_the_files(tmp_catalogue, tmp_path, monkeypatch):
    first = _fresh_load(tmp_catalogue, monkeypatch, tmp_path / "cache")
    for entry in (tmp_path / "cache").glob("catalogue-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert _same(first, _fresh_load(tmp_catalogue, monkeypatch, tmp_path / "cache"))
