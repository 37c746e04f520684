"""The in-memory candidate index over the active list versions.

Each listed entity is reduced once to what screening needs (name forms, birth dates,
countries, identifiers, provenance). Candidates for a query are found by shared blocking
keys: whole name tokens, 4-letter token prefixes (which survive most typos after the
first letters), and identifiers. Keys shared by more than `COMMON_KEY_SHARE` of the
entities ("bank", "trading") do not select candidates on their own.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from rigour.text.phonetics import metaphone

from corridor import collector
from corridor.names.analysis import PATRONYMIC_MARK, NameForm, analyse_name
from corridor.names.identifiers import Identifier, parse_identifier
from corridor.screening.ranking import rank
from corridor.settings import get_settings
from corridor.store import Store
from corridor.store.lists import active_versions, iter_active_targets

#: Bumped whenever what the index holds changes, so older index files are not reused.
INDEX_FORMAT = 7

#: Name properties screened, and how much a hit on each is worth: a weak alias (the UN's
#: "low quality" a.k.a., OFAC's weak a.k.a.) is not enough on its own.
NAME_PROPS = {"name": 1.0, "alias": 1.0, "previousName": 0.95, "weakAlias": 0.85}
#: Identifier properties and the kinds their values may be: the property says what a
#: value is, so it is parsed as those kinds only (parsing every value as all seven kinds
#: was a quarter of the index build). Generic numbers may be Kazakh or Russian ids.
ID_PROPS: dict[str, tuple[str, ...]] = {
    "innCode": ("inn",),
    "ogrnCode": ("ogrn",),
    "swiftBic": ("bic",),
    "imoNumber": ("imo",),
    "leiCode": ("lei",),
    "idNumber": ("iin", "bin", "inn"),
    "taxNumber": ("iin", "bin", "inn"),
    "registrationNumber": ("bin", "ogrn", "inn"),
}
COMMON_KEY_SHARE = 0.02
PREFIX = 4
#: A word's letters in alphabetical order: two swapped letters, the commonest typing slip,
#: keep them ("Lakhal" / "Lkahal", "Zahid" / "Zaihd"), where word and word start both
#: change when the slip is near the start.
LETTERS_MIN = 4
#: A word's sound (metaphone) survives the spellings the skeleton keeps apart: "Yaqoub" /
#: "Yaqub", "Anshori" / "Anchori" (sh and ch), "Janan" / "Jnaan". Codes of one or two
#: letters match too much to select anything.
METAPHONE_MIN = 3
#: The letters of the whole name survive a slip across a hyphen or a space, and any order
#: of the parts ("Ko Ch'o'l-Chae" / "KO CH'O'-LCHAE" / "Ch'o'l-Chae KO").
NAME_LETTERS_MIN = 6
#: What each kind of key is worth: an identifier, a whole word or the letters of the whole
#: name three times a word start or a word's letters. A shared sound (``m:``) only ranks
#: candidates that something else selected: on its own it would select too many.
KEY_KINDS = {"i:": 3, "t:": 3, "n:": 3, "p:": 1, "l:": 1, "m:": 0}
#: Candidates scored per query, best-sharing first: the true match shares most keys, and
#: 60 keeps 681/683 UN positives while a query scores a third of what 200 cost.
MAX_CANDIDATES = 60
#: Up to this many candidates in all, entities sharing one word start fill the list.
WEAK_CANDIDATES = 15


@dataclass
class IndexedEntity:
    """What screening knows of one listed entity."""

    entity_id: str
    schema: str
    caption: str
    names: list[tuple[NameForm, str]]
    #: The blocking keys of each name in ``names``, in the same order.
    name_keys: list[frozenset[str]] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)
    genders: set[str] = field(default_factory=set)
    identifiers: list[Identifier] = field(default_factory=list)
    #: ``source:record_id`` of each list entry behind the entity, e.g. ``un:6908555``.
    sources: list[str] = field(default_factory=list)
    list_versions: dict[str, int] = field(default_factory=dict)


def name_keys(form: NameForm) -> set[str]:
    """Blocking keys of a name: its words (``t:``) and word starts (``p:``) as skeletons,
    the letters (``l:``) and sound (``m:``) of each transliterated word, and the letters
    of the whole name (``n:``)."""
    keys = set()
    for token in form.tokens:
        bare = token.removesuffix(PATRONYMIC_MARK)
        if len(bare) >= 2:
            keys.add(f"t:{bare}")
            keys.add(f"p:{bare[:PREFIX]}")
    words = form.latin.split()
    keys.update("l:" + "".join(sorted(w)) for w in words if len(w) >= LETTERS_MIN)
    for word in words:
        code = metaphone(word) if len(word) >= LETTERS_MIN else ""
        if len(code) >= METAPHONE_MIN:
            keys.add("m:" + code)
    letters = "".join(words)
    if len(letters) >= NAME_LETTERS_MIN:
        keys.add("n:" + "".join(sorted(letters)))
    return keys


def identifier_keys(identifiers: Iterable[Identifier]) -> set[str]:
    return {f"i:{i.kind}:{i.value}" for i in identifiers if i.valid}


class Index:
    """Listed entities and their blocking keys (each entity's ``name_keys`` and identifiers)."""

    def __init__(self, entities: list[IndexedEntity]) -> None:
        self.entities = entities
        postings: dict[str, list[int]] = defaultdict(list)
        for position, entity in enumerate(entities):
            # The name keys `index_entity` computed: computing them again here was a
            # tenth of the build (1.6 s of 21 s for 49k names).
            keys = identifier_keys(entity.identifiers).union(*entity.name_keys)
            for key in keys:
                postings[key].append(position)
        limit = max(50, int(len(entities) * COMMON_KEY_SHARE))
        kept = {k: v for k, v in postings.items() if k.startswith("i:") or len(v) <= limit}
        # All posting lists in one array, each key its slice: one object to pickle, not
        # hundreds of thousands of lists.
        self.spans: dict[str, tuple[int, int]] = {}
        start = 0
        for key, positions in kept.items():
            self.spans[key] = (start, start + len(positions))
            start += len(positions)
        self.postings = np.fromiter(
            (p for positions in kept.values() for p in positions), dtype=np.int32, count=start
        )
        self.versions = sorted({(n, v) for e in entities for n, v in e.list_versions.items()})

    def candidates(self, keys: set[str]) -> list[IndexedEntity]:
        """Entities sharing the most keys with the query, best first (see `rank`).

        A key counts by its kind (a whole word more than a word start) and by its rarity:
        "Umar Diaby" must rank the few Diabys above the hundreds of Umars, or the
        `MAX_CANDIDATES` fill up with Umars. An entity sharing a single word start is kept
        only while candidates are few (`WEAK_CANDIDATES`): it is how one-word names with
        a typo meet ("kazaktelekom" / "kazahtelekom"), but most such entities merely
        share a common prefix.
        """
        postings = []
        for key in sorted(keys):
            span = self.spans.get(key)
            if span is not None:
                start, end = span
                postings.append((KEY_KINDS.get(key[:2], 1), self.postings[start:end].tolist()))
        ranked = rank(postings, len(self.entities), MAX_CANDIDATES, WEAK_CANDIDATES)
        return [self.entities[p] for p in ranked]


def index_entity(
    entity_id: str, schema: str, caption: str, properties: dict[str, list[str]]
) -> IndexedEntity:
    """Reduce one stored entity to an `IndexedEntity`."""
    is_person = True if schema == "Person" else None if schema == "LegalEntity" else False
    names = [
        (analyse_name(name, is_person), prop)
        for prop in NAME_PROPS
        for value in properties.get(prop, [])
        for name in _alternatives(value, is_person)
        if name.strip()
    ]
    identifiers = [
        found
        for prop, kinds in ID_PROPS.items()
        for value in properties.get(prop, [])
        for kind in kinds
        for found in parse_identifier(value, kind)
        if found.valid
    ]
    countries = set(properties.get("nationality", []) + properties.get("country", []))
    countries |= set(properties.get("citizenship", []) + properties.get("flag", []))
    return IndexedEntity(
        entity_id=entity_id,
        schema=schema,
        caption=caption,
        names=names,
        name_keys=[frozenset(name_keys(form)) for form, _ in names],
        birth_dates=list(properties.get("birthDate", [])),
        countries=countries,
        genders=set(properties.get("gender", [])),
        identifiers=identifiers,
    )


def _alternatives(name: str, is_person: bool | None) -> list[str]:
    """A listed organisation's name and, when it joins names with a slash, each of them:
    the UN lists "Al-Qa'ida/Islamic Army". Not "A/S" or "S/A", where a slash is inside a
    legal form."""
    if is_person is True or "/" not in name:
        return [name]
    parts = [part.strip() for part in name.split("/")]
    if all(_ALTERNATIVE.search(part) for part in parts):
        return [name, *parts]
    return [name]


#: A part of a name that can stand alone: a word of three letters or more.
_ALTERNATIVE = re.compile(r"[^\W\d_]{3}")


def build_index(store: Store) -> Index:
    """Index every target entity of every active list version.

    Built (and loaded) with the cyclic collector paused, then frozen out of its sight:
    an index is millions of small objects that live as long as the process, and while
    they were created, collections walking them took a third of a build (25 s with,
    16.6 s without); afterwards, one came every few thousand screenings of a batch, and
    forked workers copied the memory pages it touched. An index holds no cycles.
    """
    with collector.paused(freeze=True):
        entities = []
        for version, row in iter_active_targets(store):
            item = index_entity(row.entity_id, row.schema, row.caption, row.properties)
            item.sources.append(f"{version.source}:{row.record_id}")
            item.list_versions[version.list_name] = version.id
            entities.append(item)
        return Index(entities)


def load_index(store: Store) -> Index:
    """The index of the active list versions, from disk when it was built before.

    The file name is a digest of the active versions and the index format, so loading or
    activating a list version, or a new Corridor release, builds a fresh index; an index
    is never used for versions other than those it was built from.
    """
    versions = sorted((v.list_name, v.id) for v in active_versions(store))
    key = hashlib.sha1(repr((INDEX_FORMAT, versions)).encode()).hexdigest()[:16]
    path = get_settings().home / "index" / f"{key}.pickle"
    if path.exists():
        with path.open("rb") as handle, collector.paused(freeze=True):
            loaded = pickle.load(handle)
        if isinstance(loaded, Index):
            return loaded
    index = build_index(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # atomic: a crash never leaves a half-written index
    return index
