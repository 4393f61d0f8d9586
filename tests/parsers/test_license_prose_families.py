"""License requests told in prose rather than the Appendix 1 table (§3.5, R-LIC-1): each
sentence's products in quotes and the organisation with its INN they are for, a numbered
item opening with the product, and an address labelled in brackets after it, as e-mail
signatures write it. Wordings are this file's."""

from __future__ import annotations

from parsers.license_requisites import labels_after_addresses
from parsers.types import FieldStatus, FieldValue
from tests.support.licenses import license_fields

_SIGNATURE = (
    "\n--\nС уважением,\nКозлов Пётр Ильич\nДиректор\nООО «Сигма»\n"
    "450077, г. Уфа, ул. Ленина, д. 5, оф. 3 (юридический и почтовый адрес)\n"
    "тел. +7 (347) 200-11-22, sigma@sigma.ru\n"
    "ИНН 7736207543 КПП 773601001 ОГРН 1027700132195\n"
    "р/с 40702810900000012345 в ПАО Сбербанк, к/с 30101810400000000225, БИК 044525225\n"
)


def _license(body: str) -> dict[str, FieldValue]:
    return license_fields(body)


def test_r_lic_1_each_sentence_gives_its_quoted_products_to_the_customer_it_names() -> None:
    fields = _license(
        "Просим рассмотреть заявку на лицензии для наших заказчиков.\n\n"
        "Сначала система «Кадастр. Онлайн» (редакция 3) — её получатель МБУ «Архив», "
        "ИНН 7707083893. Затем та же «Кадастр. Онлайн» вместе с модулем «Кадастр. Отчёты» "
        "для ПАО «Восток» (ИНН 7736207543).\n" + _SIGNATURE
    )
    assert fields["software_name"].value == [
        "Кадастр. Онлайн",
        "Кадастр. Онлайн",
        "Кадастр. Отчёты",
    ]
    assert fields["end_customer"].value == ["МБУ «Архив»", "ПАО «Восток»", "ПАО «Восток»"]
    assert fields["end_customer_inn"].value == ["7707083893", "7736207543", "7736207543"]


def test_r_lic_1_quoted_names_that_are_no_products_are_not_taken() -> None:
    # The partner's own name, a contract and a customer's nickname are quoted too.
    fields = _license(
        "ООО «Сигма» просит продлить сотрудничество по договору «Партнёр-2026». "
        "Наш заказчик «Архив» (МБУ «Архив», ИНН 7707083893) ждёт поставку.\n" + _SIGNATURE
    )
    assert fields["software_name"].status == FieldStatus.MISSING


def test_r_lic_1_numbered_items_open_with_the_product_in_quotes() -> None:
    fields = _license(
        # hard-wrapped by the mail client inside the items
        "Проект (ПО — заказчик):\n"
        "  1. «Гео-Навигатор» 2.0 — Администрация Нижнего городского\nокруга (ИНН 7707083893)\n"
        "  2. «Гео-Сервер» (ключ на сеть) — АО «Водоканал» (ИНН\n7736207543)\n" + _SIGNATURE
    )
    first, second = fields["software_name"].value
    assert "Гео-Навигатор" in first and "Гео-Сервер" in second
    assert fields["end_customer_inn"].value == ["7707083893", "7736207543"]


def test_r_lic_1_an_address_labelled_in_brackets_after_it_is_both_addresses() -> None:
    fields = _license(
        "Лицензии нужны для ООО «Вектор» (ИНН 7707083893): ТехноПлан на 2 рабочих места.\n"
        + _SIGNATURE
    )
    assert "Ленина, д. 5" in fields["legal_address"].value
    assert "Ленина, д. 5" in fields["postal_address"].value
    assert fields["inn"].value == "7736207543"


def test_r_lic_1_bracket_labels_name_only_the_addresses_they_say() -> None:
    text = "620014, г. Екатеринбург, ул. Мира, 1 (почт. адрес)\nтел. 1 (доб. 2)\n"
    assert labels_after_addresses(text) == (
        "Почтовый адрес: 620014, г. Екатеринбург, ул. Мира, 1\nтел. 1 (доб. 2)\n"
    )
    fact = "620014, г. Екатеринбург, ул. Мира, 1 (фактический адрес)\n"
    assert labels_after_addresses(fact) == fact
