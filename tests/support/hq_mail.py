"""A staff member writing to the service, as the HQ-by-mail tests use him: his address, our
border server, and the Authentication-Results header it writes for a vouched-for letter."""

from __future__ import annotations

STAFF = "hq@technocom.tech"
MX = "mx.technocom.tech"
AUTH = (
    f"{MX}; dkim=pass header.d=technocom.tech header.s=mail; "
    f"spf=pass smtp.mailfrom={STAFF}; dmarc=pass header.from=technocom.tech"
)
GEO = {
    "name": "ООО «ГеоПартнер»",
    "inn": "7700000009",
    "role": "gold",
    "domains": ["geopartner.ru"],
}
