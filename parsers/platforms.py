"""Base software (§3.4 `base_software`, 000 §4.2 item 5) named in running text.

Base software is third-party: the operating system, the DBMS, the application or web server,
the runtime, the GIS server the vendor's product runs on. Partners name it in passing
(«Проверили: Astra Linux 1.7 и Postgres 13.12 поднялись», «Сервер: Windows Server 2019, MS
SQL Server 2019 (15.0.4345.5)», «Apache Tomcat 9.0.82 на OpenJDK 17.0.8, GeoServer 2.23.2»), so
the families of such software are what is recognised — the vendor's own products never are
(they are the brand's, parsers.ticket_product) — each with the version written after it.
"""

from __future__ import annotations

import re

from parsers.types import FieldStatus
from parsers.validate import MISSING, Check, bad, check_text, is_placeholder, ok

_DBMS = (
    r"PostgreSQL|Postgres(?:\s*Pro)?(?:\s+(?:Standard|Enterprise|Certified))?|Pangolin"
    r"|(?:Microsoft\s+|MS\s+)?SQL\s+Server(?:\s+Express)?|Oracle(?:\s+Database)?(?!\s+Linux)"
    r"|Firebird|Ред\s*База\s+Данных|MySQL|MariaDB|SQLite|ClickHouse|MongoDB|Redis|Jatoba"
    r"|PostGIS"
)
_OS = (
    r"Windows(?:\s+Server)?|Astra\s+Linux(?:\s+(?:SE|CE|Special\s+Edition|Common\s+Edition))?"
    r"|Астра\s+Линукс|РЕД\s+ОС|RED\s+OS|Alt\s+Linux|Альт\s+(?:Сервер|Рабочая\s+станция|Линукс)"
    r"|Ubuntu(?:\s+Server)?|Debian|CentOS|Red\s+Hat\s+Enterprise\s+Linux|RHEL|Oracle\s+Linux"
    r"|ROSA(?:\s+Linux)?|Rocky\s+Linux|AlmaLinux|МСВС|Эльбрус"
)
_SERVERS = (
    r"(?:Apache\s+)?Tomcat|JBoss(?:\s+EAP)?|WildFly|IIS|nginx|Apache(?:\s+HTTP\s+Server)?"
    r"|GlassFish|WebLogic|GeoServer|MapServer|ArcGIS(?:\s+(?:Server|Enterprise))?"
    r"|NextGIS\s+Web|QGIS(?:\s+Server)?|Keycloak|Docker|Kubernetes|VMware(?:\s+ESXi)?"
    r"|Hyper-V|JasperReports(?:\s+Server)?|Jasper(?:\s+Server)?|КриптоПро(?:\s+CSP)?"
    r"|CryptoPro(?:\s+CSP)?|1С:?\s*Предприятие|Elasticsearch|RabbitMQ|Kafka"
)
_RUNTIMES = r"\.NET(?:\s+Framework)?|\.NET\s+Core|OpenJDK|Java(?:\s+SE)?|JRE|JDK|Python|Node\.js"
_NAME = rf"(?:{_DBMS}|{_OS}|{_SERVERS}|{_RUNTIMES})"
# The names alone, for the self-diagnosis (§4.1: «Astra Linux и Postgres поднялись»).
DBMS_NAMES = rf"(?<![\w.-])(?:{_DBMS})(?![\w-])"
PLATFORM_NAMES = rf"(?<![\w.-])(?:{_OS}|{_SERVERS}|{_RUNTIMES})(?![\w-])"
# «13.12», «2019 (15.0.4345.5)», «19c (19.21.0.0)», «10 Pro 22H2», «SE 1.7.5», «v4.8.1».
_VERSION = (
    r"(?:верси[яи]\s*|вер\.\s*|v\.?\s*)?\d+(?:\.\d+)*[a-zA-Z]?"
    r"(?:\s+(?:Pro|Enterprise|Standard|Datacenter|Express|Update\s+\d+|SP\d|R2|x64|LTS)\b)*"
    r"(?:\s+\d{2}H\d)?(?:\s*\((?:сборка\s*|build\s*)?\d+(?:\.\d+)+\))?"
)
_PLATFORM = re.compile(
    rf"(?<![\w.-])(?P<name>{_NAME})(?![\w-])[ \t]*(?P<version>{_VERSION})(?![\w])"
)
_DBMS_NAME = re.compile(rf"^(?:{_DBMS})$", re.I)
# A DBMS in a labelled item 5 list, by any of its names or the word itself.
_DBMS_WORD = re.compile(
    r"postgre|postgres|sql\s*server|oracle|firebird|sqlite|mysql|maria|субд|clickhouse|mongo", re.I
)
# At most this many items are read: a hostile letter repeating names costs no more (issue 19).
MAX_ITEMS = 12


def platforms_in_text(text: str) -> list[dict[str, str]]:
    """{name, version} of each base software named with its version, in order, once each."""
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    for match in _PLATFORM.finditer(text):
        name = " ".join(match.group("name").split())
        version = " ".join(match.group("version").split())
        key = name.lower()
        if key in seen or _PRODUCT_VERSION_AFTER.match(text, match.end()):
            continue
        seen.add(key)
        found.append({"name": name, "version": version})
        if len(found) >= MAX_ITEMS:
            break
    return found


# «Windows 10 раз» is no version: the number must not be a count of something.
_PRODUCT_VERSION_AFTER = re.compile(r"\s*(?:раз|минут|секунд|час|пользовател|рабочих)\w*", re.I)


def is_dbms(name: str) -> bool:
    return bool(_DBMS_NAME.match(name))


def base_software_in_text(text: str) -> tuple[dict[str, object], str] | None:
    """(value, text) of the base software a letter names in prose: of several items the DBMS
    (the one §3.4 asks for first) with all of them kept, as a labelled item 5 list is read."""
    items = platforms_in_text(text)
    if not items:
        return None
    best = next((item for item in items if is_dbms(item["name"])), items[0])
    named = "; ".join(f"{item['name']} {item['version']}" for item in items)
    value: dict[str, object] = {**best, "items": items} if len(items) > 1 else dict(best)
    return value, named


def _software_item(text: str) -> dict[str, str] | None:
    """«MS SQL Server 2019 (15.0.4312)» → name and version (from the first token with a digit)."""
    text = re.sub(r"^(?:ОС|СУБД|сервер\s+приложений)\s+", "", text.strip(" .;"), flags=re.I)
    match = re.match(r"^(.*?)[\s(]+(?:верси[яи]:?\s*)?(v?\d[^\s]*.*)$", text, re.I)
    if not match or not re.search(r"[^\W\d]{2}", match.group(1)):
        return None
    return {"name": match.group(1).strip(" ,(:"), "version": match.group(2).strip(" ,")}


def labelled_base_software(raw: str) -> Check:
    """§3.4 `base_software`: name and version; of several items the DBMS with a version."""
    flat = " ".join(re.sub(r"(?m)^\s*[-•*–—]\s+", "", raw).split())  # list items of item 5
    if is_placeholder(flat):
        return MISSING
    parts = re.split(r"\s*(?:;|,(?![^(]*\))|\s\+\s|\s/\s)\s*", flat)
    items = [item for part in parts if (item := _software_item(part))]
    known = platforms_in_text(flat)
    if known and len(known) >= len(items):  # known families read exactly («… 14.10 на РЕД ОС 7.3»)
        items = known
    if not items:
        text = check_text(flat, 2)
        if text.status != FieldStatus.VALID:
            return text
        return bad(
            "укажите версию базового ПО, например «PostgreSQL 14.5»", "format", {"name": flat}
        )
    best = next((i for i in items if _DBMS_WORD.search(i["name"])), items[0])
    return ok({**best, "items": items} if len(items) > 1 else best)
