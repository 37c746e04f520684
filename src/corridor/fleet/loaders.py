"""AIS loaders: raw NMEA, GFW newline-JSON, NOAA MarineCadastre, DMA, Spire-style and
plain track CSV, into the positions and static tables of `corridor.fleet.records`.

Every loader counts what it refuses (bad checksum, corrupt sentence, impossible position,
unreadable row) in its `LoadReport` and goes on: one bad line in a day of AIS is normal
and never a reason to lose the day. Only a file that is not the format at all (no header
it knows) raises `CorridorError`.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pyais.exceptions import AISBaseException
from pyais.messages import AISSentence, NMEASentenceFactory

from corridor.errors import CorridorError
from corridor.fleet.mid import flag_of
from corridor.fleet.records import Batch, LoadReport

FORMATS = ("nmea", "gfw", "noaa", "dma", "spire", "track")

#: AIS "not available" values (ITU-R M.1371-5, message 1): latitude 91, longitude 181,
#: SOG 102.3 kn, COG 360, true heading 511.
_LAT_NA, _LON_NA, _SOG_NA, _COG_NA, _HDG_NA = 91.0, 181.0, 102.3, 360.0, 511.0
#: Position-carrying message types: 1-3 class A, 18-19 class B, 27 long-range.
_POSITION_TYPES = frozenset((1, 2, 3, 18, 19, 27))
#: Static/voyage types: 5 class A, 24 class B (parts A and B), 19 carries name and type.
_STATIC_TYPES = frozenset((5, 19, 24))
#: An NMEA sentence ends at ``*hh``; receivers append metadata after it
#: (``...,0*28,d-109,S2105,t050056.00,T56.13,r003669946,1325394060,1325394001``).
_CHECKSUM_END = re.compile(rb"\*[0-9A-Fa-f]{2}")
#: Trailing UNIX times a receiver appends (the aisdb ``.nmea`` fixture): 10 digits.
_UNIX_FIELD = re.compile(rb"^\d{10}(?:\.\d+)?$")
#: Unfinished multi-sentence messages older than this many lines are dropped: fragments
#: of one message arrive back to back, and a sequence id is reused within 10 messages.
_MAX_PENDING_LINES = 50
#: AIS time range accepted: AIS exists since 2002; a time after 2100 is a corrupt field.
_MIN_TS, _MAX_TS = datetime(2000, 1, 1, tzinfo=UTC).timestamp(), 4_102_444_800.0


def open_text(path: Path) -> IO[str]:
    """Open ``path`` as text, gunzipping ``.gz``; a UTF-8 BOM is dropped."""
    raw: Any = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def detect(path: Path) -> str:
    """The AIS format of ``path``, from its first line."""
    try:
        with open_text(path) as handle:
            head = handle.read(4096)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise CorridorError.at(path, f"cannot read: {exc}") from exc
    first = next((line for line in head.splitlines() if line.strip()), "")
    if re.search(r"[!$][A-Z]{2}VD[MO],", first):
        return "nmea"
    if first.startswith("{") and '"ssvid"' in first:
        return "gfw"
    if first.startswith("MMSI,BaseDateTime"):
        return "noaa"
    if first.startswith("# Timestamp") or first.startswith("Timestamp,Type of mobile"):
        return "dma"
    if first.replace('"', "").startswith("MMSI,Message_ID"):
        return "spire"
    if re.match(r"^\"?ID\"?,", first) and "timestamp" in first.lower():
        return "track"
    raise CorridorError.at(
        path, f"not a known AIS format; expected one of {', '.join(FORMATS)} (use --format)"
    )


def load_file(path: Path, fmt: str | None = None) -> Batch:
    """Read one AIS file into a `Batch` (the caller stores it)."""
    if not path.is_file():
        raise CorridorError.at(path, "no such file")
    fmt = fmt or detect(path)
    if fmt not in _LOADERS:
        raise CorridorError(f"--format {fmt!r} is unknown; expected one of {', '.join(FORMATS)}")
    batch = Batch(LoadReport(path=str(path), format=fmt, sha256=file_sha256(path)))
    try:
        with open_text(path) as handle:
            _LOADERS[fmt](handle, batch)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise CorridorError.at(path, f"cannot read: {exc}") from exc
    except csv.Error as exc:
        raise CorridorError.at(path, f"not readable as CSV: {exc}") from exc
    report = batch.report
    report.positions = len(batch.positions)
    report.statics = len(batch.statics)
    report.vessels = len(set(batch.positions.data["mmsi"]) | set(batch.statics.data["mmsi"]))
    return batch


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- shared checks ------------------------------------------------------------------------


def position_problem(lat: float | None, lon: float | None) -> str | None:
    """``None`` for a usable fix, ``"unavailable"`` for AIS's 91/181 (or a missing value),
    ``"impossible position"`` for values off the globe or exactly (0, 0)."""
    if lat is None or lon is None or math.isnan(lat) or math.isnan(lon):
        return "unavailable"
    if lat == _LAT_NA or lon == _LON_NA:
        return "unavailable"
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return "impossible position"
    # (0, 0) is a receiver with no GPS fix writing zeros, not a ship in the Gulf of Guinea.
    if lat == 0.0 and lon == 0.0:
        return "impossible position"
    return None


def _num(value: Any, na: float | None = None) -> float | None:
    """A float, or None when empty, NaN, unparseable or the AIS not-available value."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or (na is not None and number >= na):
        return None
    return number


def _int(value: Any) -> int | None:
    number = _num(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).replace("@", " ").split())
    return text or None


def _imo(value: Any) -> int | None:
    """An IMO as written in AIS or a CSV (``9307839``, ``IMO9307839``); 0 means none."""
    if value is None:
        return None
    text = str(value).strip().upper().removeprefix("IMO").strip()
    if not text.isdigit():
        return None
    number = int(text)
    return number or None


def _ts_ok(ts: float | None) -> bool:
    return ts is not None and _MIN_TS <= ts <= _MAX_TS


def _add_position(
    batch: Batch,
    mmsi: int,
    ts: float | None,
    lat: float | None,
    lon: float | None,
    sog: float | None,
    cog: float | None,
    heading: float | None,
    status: int | None,
    receiver: str | None = None,
) -> bool:
    """Keep a position, or count why not; True when kept."""
    problem = position_problem(lat, lon)
    if problem == "unavailable":
        batch.report.skipped["position unavailable"] += 1
        return False
    if problem is not None:
        batch.report.rejected[problem] += 1
        return False
    if ts is None:
        batch.report.untimed += 1
    batch.positions.add(
        mmsi, ts, lat, lon, sog, cog, heading, status, receiver, batch.report.format
    )
    return True


def _add_static(
    batch: Batch,
    mmsi: int,
    ts: float | None,
    imo: int | None,
    name: str | None,
    call_sign: str | None,
    ship_type: str | None,
    length: float | None,
    width: float | None,
    destination: str | None,
    draught: float | None,
) -> None:
    if not any((imo, name, call_sign, ship_type, length, width, destination, draught)):
        return
    flag = flag_of(mmsi)
    batch.statics.add(
        mmsi,
        ts,
        imo,
        name,
        call_sign,
        ship_type,
        length,
        width,
        destination,
        draught,
        flag.iso2 if flag else None,
        batch.report.format,
    )


# --- NMEA ---------------------------------------------------------------------------------


def _split_line(raw: bytes) -> tuple[bytes | None, bytes, float | None]:
    """(tag block, sentence, receiver time) of one line of NMEA.

    The time comes from the tag block's ``c:`` (IEC 62320-1: UNIX seconds of reception)
    or, failing that, a trailing 10-digit UNIX time a receiver appended after the checksum.
    """
    tag: bytes | None = None
    line = raw.strip()
    if line.startswith(b"\\"):
        end = line.find(b"\\", 1)
        if end < 0:
            return None, b"", None
        tag, line = line[1:end], line[end + 1 :]
    ts: float | None = None
    # The common case ends at the checksum: skip the search for trailing metadata.
    found = None if line[-3:-2] == b"*" else _CHECKSUM_END.search(line)
    if found is not None and found.end() < len(line):
        tail = line[found.end() :].split(b",")
        line = line[: found.end()]
        for field in tail:
            if _UNIX_FIELD.match(field):
                ts = float(field)
                break
    if tag is not None:
        for part in tag.split(b"*", 1)[0].split(b","):
            if part.startswith(b"c:"):
                value = part[2:]
                try:
                    number = float(value)
                except ValueError:
                    break
                # Some receivers write milliseconds since the epoch.
                ts = number / 1000.0 if number > 1e11 else number
                break
    return tag, line, ts


def _tag_ok(tag: bytes) -> bool:
    """The tag block's own checksum (``...*hh``); a tag block without one is accepted."""
    body, star, checksum = tag.partition(b"*")
    if not star:
        return True
    value = 0
    for byte in body:
        value ^= byte
    try:
        return value == int(checksum[:2], 16)
    except ValueError:
        return False


def load_nmea(handle: IO[str], batch: Batch) -> None:
    """Raw NMEA 0183 ``!xxVDM``/``!xxVDO``, with or without tag blocks, multi-sentence
    messages assembled, decoded with pyais."""
    report = batch.report
    pending: dict[tuple[int | None, str, int], tuple[int, list[AISSentence], float | None]] = {}
    for number, text in enumerate(handle, start=1):
        raw = text.encode("ascii", "replace")
        if not raw.strip():
            continue
        report.lines += 1
        tag, line, ts = _split_line(raw)
        if tag is not None and not _tag_ok(tag):
            report.warnings["tag block checksum"] += 1
        try:
            sentence = NMEASentenceFactory.produce(line)
        except (AISBaseException, ValueError, IndexError):
            report.rejected["corrupt"] += 1
            continue
        if not isinstance(sentence, AISSentence):
            report.skipped["not AIS"] += 1
            continue
        if not sentence.is_valid:
            report.rejected["checksum"] += 1
            continue
        if not sentence.payload:
            report.rejected["empty payload"] += 1
            continue
        if sentence.frag_cnt > 1:
            key = (sentence.seq_id, sentence.channel, sentence.frag_cnt)
            started, parts, first_ts = pending.get(key, (number, [], ts))
            if parts and parts[-1].frag_num >= sentence.frag_num:
                # A new message reused the sequence id before the old one completed.
                report.rejected["incomplete multipart"] += len(parts)
                started, parts, first_ts = number, [], ts
            parts.append(sentence)
            if len(parts) < sentence.frag_cnt:
                pending[key] = (started, parts, first_ts)
                if len(pending) > 8:
                    _expire(pending, number, report)
                continue
            pending.pop(key, None)
            sentence = AISSentence.assemble_from_iterable(parts)
            ts = first_ts if first_ts is not None else ts
        _decode(sentence, ts, batch)
    for _started, parts, _ts in pending.values():
        report.rejected["incomplete multipart"] += len(parts)


def _expire(
    pending: dict[tuple[int | None, str, int], tuple[int, list[AISSentence], float | None]],
    now: int,
    report: LoadReport,
) -> None:
    for key, (started, parts, _ts) in list(pending.items()):
        if now - started > _MAX_PENDING_LINES:
            report.rejected["incomplete multipart"] += len(parts)
            del pending[key]


def _decode(sentence: AISSentence, ts: float | None, batch: Batch) -> None:
    report = batch.report
    try:
        msg: Any = sentence.decode()
    except (AISBaseException, ValueError, IndexError, KeyError, TypeError):
        report.rejected["undecodable"] += 1
        return
    report.messages += 1
    kind = msg.msg_type
    if ts is not None and not _ts_ok(ts):
        report.rejected["bad timestamp"] += 1
        return
    mmsi = int(msg.mmsi)
    if kind in _POSITION_TYPES:
        _add_position(
            batch,
            mmsi,
            ts,
            msg.lat,
            msg.lon,
            _num(msg.speed, _SOG_NA),
            _num(msg.course, _COG_NA),
            _num(getattr(msg, "heading", None), _HDG_NA),
            _int(getattr(msg, "status", None)),
        )
    if kind in _STATIC_TYPES:
        _static_from_message(msg, mmsi, ts, batch)
    elif kind not in _POSITION_TYPES:
        report.skipped[f"type {kind}"] += 1


def _static_from_message(msg: Any, mmsi: int, ts: float | None, batch: Batch) -> None:
    length = width = None
    bow, stern = getattr(msg, "to_bow", None), getattr(msg, "to_stern", None)
    port, starboard = getattr(msg, "to_port", None), getattr(msg, "to_starboard", None)
    if bow is not None and stern is not None and bow + stern:
        length = float(bow + stern)
    if port is not None and starboard is not None and port + starboard:
        width = float(port + starboard)
    ship_type = getattr(msg, "ship_type", None)
    _add_static(
        batch,
        mmsi,
        ts,
        _imo(getattr(msg, "imo", None)),
        _text(getattr(msg, "shipname", None)),
        _text(getattr(msg, "callsign", None)),
        str(int(ship_type)) if ship_type else None,
        length,
        width,
        _text(getattr(msg, "destination", None)),
        _num(getattr(msg, "draught", None)) or None,
    )


# --- GFW newline JSON ---------------------------------------------------------------------


def _iso(text: Any) -> float | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def load_gfw(handle: IO[str], batch: Batch) -> None:
    """Global Fishing Watch's normalised AIS as newline-delimited JSON.

    Its lines hold the bare token ``NaN``, which Python's ``json`` reads as a float NaN
    (JavaScript's ``JSON.parse`` would refuse it). A msgid repeated (once with identities
    filled, once without) is kept once.
    """
    report = batch.report
    seen: set[str] = set()
    for text in handle:
        if not text.strip():
            continue
        report.lines += 1
        try:
            row = json.loads(text)
        except ValueError:
            report.rejected["corrupt"] += 1
            continue
        if not isinstance(row, dict):
            report.rejected["corrupt"] += 1
            continue
        msgid = row.get("msgid")
        if isinstance(msgid, str):
            if msgid in seen:
                report.skipped["duplicate msgid"] += 1
                continue
            seen.add(msgid)
        mmsi, ts = _int(row.get("ssvid")), _iso(row.get("timestamp"))
        if mmsi is None:
            report.rejected["no MMSI"] += 1
            continue
        if not _ts_ok(ts):
            report.rejected["bad timestamp"] += 1
            continue
        report.messages += 1
        lat, lon = _num(row.get("lat")), _num(row.get("lon"))
        if lat is not None or lon is not None:
            receiver = row.get("receiver_type")
            _add_position(
                batch,
                mmsi,
                ts,
                lat,
                lon,
                _num(row.get("speed"), _SOG_NA),
                _num(row.get("course"), _COG_NA),
                _num(row.get("heading"), _HDG_NA),
                _int(row.get("status")),
                receiver if isinstance(receiver, str) else None,
            )
        _add_static(
            batch,
            mmsi,
            ts,
            _imo(_int(row.get("imo"))),
            _text(row.get("shipname")),
            _text(row.get("callsign")),
            _text(row.get("shiptype")) if row.get("shiptype") != "Not available" else None,
            _num(row.get("length")) or None,
            _num(row.get("width")) or None,
            _text(row.get("destination")),
            None,
        )


# --- CSV formats --------------------------------------------------------------------------


def _rows(handle: IO[str], batch: Batch, required: tuple[str, ...]) -> Iterator[dict[str, str]]:
    reader = csv.DictReader(handle)
    fields = [f.strip() for f in reader.fieldnames or []]
    reader.fieldnames = fields
    missing = [c for c in required if c not in fields]
    if missing:
        raise CorridorError.at(
            batch.report.path, f"header lacks {', '.join(missing)}; expected {batch.report.format}"
        )
    for row in reader:
        batch.report.lines += 1
        yield row


def _dt(text: str | None, formats: tuple[str, ...]) -> float | None:
    if not text:
        return None
    value = text.strip()
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
    return None


def _csv_row(
    batch: Batch,
    row: dict[str, str],
    *,
    mmsi: str,
    ts: float | None,
    lat: str,
    lon: str,
    sog: str | None,
    cog: str | None,
    heading: str | None,
    status: int | None,
    static: tuple[Any, ...] | None,
) -> None:
    report = batch.report
    number = _int(row.get(mmsi))
    if number is None:
        report.rejected["no MMSI"] += 1
        return
    if not _ts_ok(ts):
        report.rejected["bad timestamp"] += 1
        return
    report.messages += 1
    lat_v, lon_v = _num(row.get(lat)), _num(row.get(lon))
    if lat_v is None and lon_v is None and row.get(lat, "") == "" and row.get(lon, "") == "":
        pass
    else:
        _add_position(
            batch,
            number,
            ts,
            lat_v,
            lon_v,
            _num(row.get(sog or ""), _SOG_NA),
            _num(row.get(cog or ""), _COG_NA),
            _num(row.get(heading or ""), _HDG_NA),
            status,
        )
    if static is not None:
        _add_static(batch, number, ts, *static)


def load_noaa(handle: IO[str], batch: Batch) -> None:
    """NOAA/BOEM MarineCadastre AIS CSV (``MMSI,BaseDateTime,LAT,LON,...``)."""
    for row in _rows(handle, batch, ("MMSI", "BaseDateTime", "LAT", "LON")):
        ts = _dt(row.get("BaseDateTime"), ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"))
        static = (
            _imo(row.get("IMO")),
            _text(row.get("VesselName")),
            _text(row.get("CallSign")),
            _text(row.get("VesselType")),
            _num(row.get("Length")),
            _num(row.get("Width")),
            None,
            _num(row.get("Draft")),
        )
        _csv_row(
            batch,
            row,
            mmsi="MMSI",
            ts=ts,
            lat="LAT",
            lon="LON",
            sog="SOG",
            cog="COG",
            heading="Heading",
            status=_int(row.get("Status")),
            static=static,
        )


#: DMA writes navigational status as text; ITU-R M.1371 codes 0-15 in the same order.
_DMA_STATUS = {
    "under way using engine": 0,
    "at anchor": 1,
    "not under command": 2,
    "restricted manoeuverability": 3,
    "restricted maneuverability": 3,
    "constrained by her draught": 4,
    "moored": 5,
    "aground": 6,
    "engaged in fishing": 7,
    "under way sailing": 8,
    "ais-sart": 14,
    "unknown value": 15,
}


def load_dma(handle: IO[str], batch: Batch) -> None:
    """Danish Maritime Authority ``aisdk-YYYY-MM-DD.csv`` (first header ``# Timestamp``,
    times ``dd/mm/yyyy HH:MM:SS``, IMO ``Unknown`` when absent)."""
    rows = _rows(handle, batch, ("MMSI", "Latitude", "Longitude"))
    for row in rows:
        stamp = row.get("# Timestamp") or row.get("Timestamp")
        ts = _dt(stamp, ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"))
        status = _DMA_STATUS.get((row.get("Navigational status") or "").strip().lower())
        ship_type = _text(row.get("Ship type"))
        static = (
            _imo(row.get("IMO")),
            _text(row.get("Name")),
            _text(row.get("Callsign")),
            None if ship_type in (None, "Undefined") else ship_type,
            _num(row.get("Length")),
            _num(row.get("Width")),
            _text(row.get("Destination")),
            _num(row.get("Draught")),
        )
        _csv_row(
            batch,
            row,
            mmsi="MMSI",
            ts=ts,
            lat="Latitude",
            lon="Longitude",
            sog="SOG",
            cog="COG",
            heading="Heading",
            status=status,
            static=static,
        )


def load_spire(handle: IO[str], batch: Batch) -> None:
    """Spire-style decoded CSV (``MMSI,Message_ID,...,Time`` as ``YYYYMMDD_HHMMSS``):
    one row per AIS message, so positions come from position types, identity from 5/19/24.
    """
    rows = _rows(handle, batch, ("MMSI", "Message_ID", "Longitude", "Latitude"))
    for row in rows:
        stamp = row.get("Time") or row.get("Time(YYYYMMDD_HHMMSS)")
        ts = _dt(stamp, ("%Y%m%d_%H%M%S",))
        kind = _int(row.get("Message_ID"))
        if kind not in _POSITION_TYPES and kind not in _STATIC_TYPES:
            if _int(row.get("MMSI")) is not None and _ts_ok(ts):
                batch.report.messages += 1
                batch.report.skipped[f"type {kind}"] += 1
            else:
                batch.report.rejected["unreadable row"] += 1
            continue
        static = None
        if kind in _STATIC_TYPES:
            bow, stern = _num(row.get("Dimension_to_Bow")), _num(row.get("Dimension_to_stern"))
            port, star = _num(row.get("Dimension_to_port")), _num(row.get("Dimension_to_starboard"))
            static = (
                _imo(row.get("IMO")),
                _text(row.get("Vessel_Name")),
                _text(row.get("Call_sign")),
                _text(row.get("Ship_Type")) if row.get("Ship_Type") not in ("", "0") else None,
                (bow or 0) + (stern or 0) or None,
                (port or 0) + (star or 0) or None,
                _text(row.get("Destination")),
                _num(row.get("Draught")) or None,
            )
        positional = kind in _POSITION_TYPES
        _csv_row(
            batch,
            row,
            mmsi="MMSI",
            ts=ts,
            lat="Latitude" if positional else "",
            lon="Longitude" if positional else "",
            sog="SOG",
            cog="COG",
            heading="Heading",
            status=_int(row.get("Navigational_status")) if kind in (1, 2, 3) else None,
            static=static,
        )


def load_track(handle: IO[str], batch: Batch) -> None:
    """A plain track CSV ``ID,<timestamp>,longitude,latitude`` (movingpandas' Suez sample,
    VesselsValue AIS anonymised to ids 1-256). The id stands in for the MMSI; timestamps
    are ``dd/mm/yyyy HH:MM`` or ISO."""
    reader = csv.DictReader(handle)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    reader.fieldnames = fields
    stamp = next((f for f in fields if "timestamp" in f or f in ("time", "t")), None)
    lat = next((f for f in fields if f in ("latitude", "lat")), None)
    lon = next((f for f in fields if f in ("longitude", "lon")), None)
    if "id" not in fields or stamp is None or lat is None or lon is None:
        raise CorridorError.at(
            batch.report.path, "header needs ID, a timestamp, longitude and latitude columns"
        )
    formats = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
    for row in reader:
        batch.report.lines += 1
        ts = _dt(row.get(stamp), formats)
        _csv_row(
            batch,
            row,
            mmsi="id",
            ts=ts,
            lat=lat,
            lon=lon,
            sog=None,
            cog=None,
            heading=None,
            status=None,
            static=None,
        )


_LOADERS: dict[str, Callable[[IO[str], Batch], None]] = {
    "nmea": load_nmea,
    "gfw": load_gfw,
    "noaa": load_noaa,
    "dma": load_dma,
    "spire": load_spire,
    "track": load_track,
}
