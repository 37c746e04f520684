"""A scenario simulator that writes realistic NMEA (encoded with pyais) with known events.

The real AIS samples hold few tankers and no identified ship-to-ship transfer, so the
event detectors are tested on a scenario whose truth is known: six tankers crossing the
central North Atlantic for four days, received every three minutes (tag-block ``c:``
times, as a satellite/terrestrial aggregator delivers them), each sending a two-sentence
static report (type 5) every hour. In it:

- ``MEET_A`` and ``MEET_B`` meet mid-ocean and drift together 150 m apart at 0.5 kn for
  5 h (a ship-to-ship transfer), then sail on;
- ``DARK`` switches its transponder off for 30 h mid-ocean and reappears further on;
- ``SPOOFER`` transmits all along with ``VICTIM``'s MMSI but its own name and IMO,
  300 nm away from the real ``VICTIM``;
- ``PLAIN`` just crosses.

`Scenario` lists exactly what a correct detector must report, and nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyais.encode import encode_dict

#: 2023-11-14T22:00:00Z, on a clock hour (GFW loitering counts clock-hour blocks); the
#: scenario lasts `HOURS`.
START = 1_699_999_200
HOURS = 96
#: Seconds between received positions of one ship.
STEP = 180
#: Nautical miles per degree of latitude.
_NM_PER_DEG = 60.0


@dataclass(frozen=True)
class Ship:
    key: str
    mmsi: int
    imo: int
    name: str
    call_sign: str


SHIPS = {
    "MEET_A": Ship("MEET_A", 273345000, 9262883, "NORD STAR", "UBCD2"),
    "MEET_B": Ship("MEET_B", 636019101, 9301419, "OCEAN PEARL", "D5AB3"),
    "DARK": Ship("DARK", 351234000, 9249128, "SILENT WAVE", "3EAB4"),
    "VICTIM": Ship("VICTIM", 538004321, 9308065, "EVENTIN", "V7XY5"),
    "SPOOFER": Ship("SPOOFER", 538004321, 9179842, "ANGARA", "UAAA6"),
    "PLAIN": Ship("PLAIN", 626001234, 9384459, "BLUE MERIDIAN", "TRAB7"),
}
#: The meeting point and window (hours from START).
MEET_LAT, MEET_LON, MEET_FROM, MEET_TO = 35.0, -40.0, 40.0, 45.0
#: The dark window (hours from START).
DARK_FROM, DARK_TO = 30.0, 60.0


@dataclass
class Scenario:
    """What the simulator wrote and what must be found in it."""

    path: Path
    lines: int = 0
    positions: int = 0
    encounter: tuple[int, int] = (0, 0)
    encounter_hours: tuple[float, float] = (MEET_FROM, MEET_TO)
    dark_mmsi: int = 0
    dark_hours: float = DARK_TO - DARK_FROM
    spoofed_mmsi: int = 0
    loitering: set[int] = field(default_factory=set)


def _move(lat: float, lon: float, course: float, kn: float, hours: float) -> tuple[float, float]:
    """Dead reckoning on a local flat approximation (good to metres over a day at sea)."""
    dist = kn * hours / _NM_PER_DEG
    dlat = dist * math.cos(math.radians(course))
    dlon = dist * math.sin(math.radians(course)) / math.cos(math.radians(lat))
    return lat + dlat, lon + dlon


def _legs_position(
    legs: list[tuple[float, float, float, float, float]], hour: float
) -> tuple[float, float, float, float]:
    """(lat, lon, course, kn) at ``hour`` along legs ``(from_hour, lat, lon, course, kn)``."""
    current = legs[0]
    for leg in legs:
        if leg[0] <= hour:
            current = leg
    t0, lat, lon, course, kn = current
    lat2, lon2 = _move(lat, lon, course, kn, hour - t0)
    return lat2, lon2, course, kn


def _chain(
    start_hour: float, lat: float, lon: float, parts: list[tuple[float, float, float]]
) -> list[tuple[float, float, float, float, float]]:
    """Legs from (duration_h, course, kn) parts, starting at (lat, lon) at ``start_hour``."""
    legs = []
    hour = start_hour
    for duration, course, kn in parts:
        legs.append((hour, lat, lon, course, kn))
        lat, lon = _move(lat, lon, course, kn, duration)
        hour += duration
    return legs


def _routes() -> dict[str, list[tuple[float, float, float, float, float]]]:
    cruise = 12.0
    # MEET_A sails east and arrives at the meeting point at MEET_FROM.
    a_lat, a_lon = _move(MEET_LAT, MEET_LON, 270.0, cruise, MEET_FROM)
    # MEET_B sails south and arrives 150 m north of it.
    b_meet = _move(MEET_LAT, MEET_LON, 0.0, 150 / 1852, 1.0)
    b_lat, b_lon = _move(b_meet[0], b_meet[1], 0.0, cruise, MEET_FROM)
    meet = MEET_TO - MEET_FROM
    rest = HOURS - MEET_TO + 1
    return {
        "MEET_A": _chain(
            0, a_lat, a_lon, [(MEET_FROM, 90, cruise), (meet, 45, 0.5), (rest, 90, cruise)]
        ),
        "MEET_B": _chain(
            0, b_lat, b_lon, [(MEET_FROM, 180, cruise), (meet, 45, 0.5), (rest, 180, cruise)]
        ),
        "DARK": _chain(0, 30.0, -50.0, [(HOURS + 1, 80, 11.0)]),
        "VICTIM": _chain(0, 40.0, -45.0, [(HOURS + 1, 260, 13.0)]),
        "SPOOFER": _chain(0, 38.0, -30.0, [(HOURS + 1, 250, 12.0)]),
        "PLAIN": _chain(0, 32.0, -35.0, [(HOURS + 1, 300, 12.5)]),
    }


def _tagged(ts: int, sentence: str) -> str:
    body = f"c:{ts}"
    checksum = 0
    for ch in body:
        checksum ^= ord(ch)
    return f"\\{body}*{checksum:02X}\\{sentence}"


def simulate(path: Path) -> Scenario:
    """Write the scenario's NMEA to ``path`` and return its truth."""
    routes = _routes()
    scenario = Scenario(
        path=path,
        encounter=tuple(sorted((SHIPS["MEET_A"].mmsi, SHIPS["MEET_B"].mmsi))),  # type: ignore[arg-type]
        dark_mmsi=SHIPS["DARK"].mmsi,
        spoofed_mmsi=SHIPS["VICTIM"].mmsi,
        loitering={SHIPS["MEET_A"].mmsi, SHIPS["MEET_B"].mmsi},
    )
    lines: list[str] = []
    seq = 0
    for step in range(HOURS * 3600 // STEP + 1):
        ts = START + step * STEP
        hour = step * STEP / 3600.0
        for offset, (key, ship) in enumerate(SHIPS.items()):
            if key == "DARK" and DARK_FROM < hour < DARK_TO:
                continue
            lat, lon, course, kn = _legs_position(routes[key], hour)
            when = ts + offset * 7  # ships are not received in the same second
            message: dict[str, Any] = {
                "type": 1,
                "mmsi": ship.mmsi,
                "status": 0,
                "speed": kn,
                "lat": lat,
                "lon": lon,
                "course": course,
                "heading": round(course) % 360,
                "second": when % 60,
            }
            for sentence in encode_dict(message, talker_id="AI", sentence_type="VDM"):
                lines.append(_tagged(when, sentence))
            scenario.positions += 1
            if step % 20 == offset:  # a static report every hour, spread over the hour
                seq = (seq + 1) % 10
                static: dict[str, Any] = {
                    "type": 5,
                    "mmsi": ship.mmsi,
                    "imo": ship.imo,
                    "callsign": ship.call_sign,
                    "shipname": ship.name,
                    "ship_type": 80,
                    "to_bow": 200,
                    "to_stern": 44,
                    "to_port": 21,
                    "to_starboard": 21,
                    "draught": 14.8,
                    "destination": "FOR ORDERS",
                }
                for sentence in encode_dict(
                    static, talker_id="AI", sentence_type="VDM", seq_id=seq
                ):
                    lines.append(_tagged(when, sentence))
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    scenario.lines = len(lines)
    return scenario
