"""The ownership graph as flat numpy arrays, the shape the rules iterate over.

A graph of a million companies and three million holdings is a handful of arrays (about
40 MB): one int32 owner, one int32 asset, one float64 share and one int8 kind per edge,
indexed by owner in compressed-sparse-row form. The rules walk it frontier by frontier
with vectorised gathers, so no Python object exists per node or per edge; a dict-of-dicts
graph (networkx) of the same size needs gigabytes and is measured against this in
``bench/ownership.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

#: Kinds of edge, as stored in ``OwnershipGraph.kind``. Ownership is a share of the
#: capital (proprietary rights); the others are the forms of control the EU and UK
#: tests name. A directorship is recorded (explanations may mention it) but is neither
#: ownership nor control on its own: a director is appointed, he does not appoint.
OWN, VOTES, BOARD, ASSETS, CONTROL, DIRECTOR = 0, 1, 2, 3, 4, 5
KIND_NAMES = ("ownership", "votes", "board", "assets", "control", "director")
KIND_CODES = {name: code for code, name in enumerate(KIND_NAMES)}

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Edge:
    """One holding or control relation as the data states it, with its dates."""

    owner: str
    asset: str
    #: Percentage 0-100 for ownership and votes; None when the source gives none.
    share: float | None = None
    kind: str = "ownership"
    start: date | None = None
    end: date | None = None
    source: str = ""

    def valid_on(self, when: date | None) -> bool:
        """True if the relation held on ``when`` (always, when ``when`` is None).

        The end date is exclusive: a share sold on 1 March is no longer held on 1 March.
        """
        if when is None:
            return True
        if self.start is not None and self.start > when:
            return False
        return not (self.end is not None and self.end <= when)


class OwnershipGraph:
    """Nodes (string ids, names) and edges (owner -> asset) in CSR order by owner."""

    def __init__(
        self,
        ids: Sequence[str],
        names: Sequence[str],
        owner: IntArray,
        asset: IntArray,
        share: FloatArray,
        kind: npt.NDArray[np.int8],
    ) -> None:
        self.ids = list(ids)
        self.names = list(names)
        self.index = {node: i for i, node in enumerate(self.ids)}
        order = np.argsort(owner, kind="stable")
        self.owner = owner[order].astype(np.int32, copy=False)
        self.asset = asset[order].astype(np.int32, copy=False)
        self.share = share[order].astype(np.float64, copy=False)
        self.kind = kind[order].astype(np.int8, copy=False)
        counts = np.bincount(self.owner, minlength=len(self.ids))
        self.indptr = np.zeros(len(self.ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=self.indptr[1:])
        self._in: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None

    @property
    def size(self) -> int:
        return len(self.ids)

    @classmethod
    def from_edges(
        cls,
        edges: Iterable[Edge],
        names: dict[str, str] | None = None,
        *,
        as_of: date | None = None,
    ) -> OwnershipGraph:
        """Build from `Edge` records, keeping those valid on ``as_of``.

        Nodes are every id named in ``names`` or in a valid edge; a node without a name
        is called by its id.
        """
        names = dict(names or {})
        index: dict[str, int] = {}
        for node in names:
            index.setdefault(node, len(index))
        owner, asset, share, kind = [], [], [], []
        for edge in edges:
            if not edge.valid_on(as_of):
                continue
            owner.append(index.setdefault(edge.owner, len(index)))
            asset.append(index.setdefault(edge.asset, len(index)))
            share.append(np.nan if edge.share is None else edge.share)
            kind.append(KIND_CODES[edge.kind])
        ids = list(index)
        return cls(
            ids,
            [names.get(node) or node for node in ids],
            np.asarray(owner, dtype=np.int32),
            np.asarray(asset, dtype=np.int32),
            np.asarray(share, dtype=np.float64),
            np.asarray(kind, dtype=np.int8),
        )

    def mask(self, nodes: Iterable[str]) -> BoolArray:
        """A boolean node mask for ``nodes`` (ids absent from the graph are ignored)."""
        out = np.zeros(self.size, dtype=np.bool_)
        positions = [self.index[n] for n in nodes if n in self.index]
        out[positions] = True
        return out

    def out_edges(self, nodes: IntArray) -> npt.NDArray[np.int64]:
        """Positions of every edge owned by one of ``nodes`` (a vectorised CSR gather)."""
        starts = self.indptr[nodes]
        counts = self.indptr[nodes + 1] - starts
        total = int(counts.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
        return offsets + np.arange(total, dtype=np.int64)

    def in_edges(self, node: int) -> npt.NDArray[np.int64]:
        """Positions of every edge whose asset is ``node`` (index built on first use)."""
        if self._in is None:
            order = np.argsort(self.asset, kind="stable").astype(np.int64)
            counts = np.bincount(self.asset, minlength=self.size)
            indptr = np.zeros(self.size + 1, dtype=np.int64)
            np.cumsum(counts, out=indptr[1:])
            self._in = (order, indptr)
        order, indptr = self._in
        return order[indptr[node] : indptr[node + 1]]
