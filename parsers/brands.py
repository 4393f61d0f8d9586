"""The vendor's brand words: what marks one of its own products in running text.

The default is TECHNOCOM's (its name in both alphabets and the «Техно…» prefix of its product
names); `parsers.extract.extract(brands=…)` takes another vendor's list, so that no product
name of the catalogue has to be written into the reading.
"""

from __future__ import annotations

# A word equal to a brand, or, for a brand ending in «…», a capitalised word starting with it
# and going on with a capital or a hyphen («ТехноКад-…», not «Технологии»).
# A brand ending in «+» is the vendor's short form, a product's prefix only: «ТК-Транспорт»,
# «ТК.Лесфонд», «ТК Диспетчерская ЖКХ» — never alone or before capitals («ТК СДЭК», «ТК РФ»).
OWN_BRANDS: tuple[str, ...] = ("ТЕХНОКОМ", "TECHNOCOM", "Техно…", "ТК+")
