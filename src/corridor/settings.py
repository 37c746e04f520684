"""All of Corridor's configuration, read once from ``CORRIDOR_*`` environment variables.

No other module reads the environment: they call `get_settings()`. Tests that change a
variable call `get_settings.cache_clear()` afterwards.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

GiB = 1024**3
MiB = 1024**2

#: Where each official list is published. Keys are Corridor list names (see
#: `corridor.sources.lists`); override all of them at once with ``CORRIDOR_LIST_URLS``
#: (JSON object), e.g. to point at a mirror or, in tests, at a server on 127.0.0.1.
#: The EU file needs a personal token, so it has no working default.
DEFAULT_LIST_URLS: dict[str, str] = {
    "ofac_sdn": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML",
    "ofac_cons": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONSOLIDATED.XML",
    "un_sc": "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
    "gb_fcdo": "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
    "gb_hmt": "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
    "kz_afm": "https://afmrk.gov.kz/blacklist/export/active/xml",
}


class Settings(BaseSettings):
    """Corridor's settings; each field is ``CORRIDOR_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="CORRIDOR_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.home() / ".corridor")
    #: SQLAlchemy URL; empty means the SQLite file ``$CORRIDOR_HOME/corridor.db``.
    database_url: str = ""
    #: Default match threshold for screening, in [0, 1].
    threshold: float = Field(default=0.7, ge=0.0, le=1.0)
    #: Largest list file accepted, before and after decompression. The biggest official
    #: file is OFAC's sdn_advanced.xml at about 120 MB; 1 GiB leaves room and still
    #: refuses a 2 GB file or a zip bomb before it exhausts memory or disk.
    max_file_bytes: int = Field(default=1 * GiB, gt=0)
    #: Seconds to wait for a list download to connect or to send the next bytes.
    download_timeout: float = Field(default=60.0, gt=0)
    list_urls: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_LIST_URLS))
    #: Derived data that is costly to build and the same for every home (the fleet land
    #: grid reduced from the global-land-mask package: ~10 s and 1 GB to build, 7 MB kept).
    cache_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "corridor")
    #: Largest JSON request body the API reads. A yente /match call of 100 queries with
    #: a dozen properties each is about 100 KB; 1 MiB leaves room and refuses a flood.
    api_max_body_bytes: int = Field(default=1 * MiB, gt=0)
    #: Largest batch file accepted by ``POST /screenings/batch``: a million-row customer
    #: CSV is about 100 MB.
    api_max_upload_bytes: int = Field(default=200 * MiB, gt=0)
    #: Queries in one ``/match`` call; yente's MAX_BATCH is 100, keep the same limit.
    api_max_queries: int = Field(default=100, gt=0)
    #: Seconds between checks of the active list versions by each API process: a newly
    #: activated list is screened against at most this long after activation.
    api_index_check_seconds: float = Field(default=5.0, ge=0)
    #: DuckDB threads for trade queries; 2 is the target machine (2 cores, bench/trade.py).
    trade_threads: int = Field(default=2, gt=0)
    #: DuckDB memory limit for trade queries: past it DuckDB spills to disk instead of
    #: failing; 3 GB keeps the whole process under the 4 GB target of bench/trade.py.
    trade_memory_limit: str = "3GB"

    @property
    def db_url(self) -> str:
        """The database URL in force: the explicit one, or the SQLite file in home."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'corridor.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
