"""Pin requests (§3.2, R-PIN-1) in forms a third round of blind letters used, written here in
wordings of their own: a public authority as the client (no legal form, no quotes), a legal
form with its region in words, the client on the line after «закрепить его за …:», and the
reason for interest told by the partner's history with the client or the deal's stage, or
under a heading of the partner's own."""

from __future__ import annotations

import pytest

from tests.parsers.test_pin_reading import CLIENT_INN, pin


@pytest.mark.parametrize(
    "name",
    [
        "Комитет по управлению муниципальным имуществом г. Сургута",
        "Управление градостроительства администрации Тобольского района",
        "Министерство строительства Омской области",
    ],
)
def test_r_pin_1_a_public_authority_named_on_the_line_after_the_request(name: str) -> None:
    fields = pin(
        f"Добрый день. Просим закрепить за нами клиента:\n{name},\n"
        f"ИНН {CLIENT_INN}, 628400, г. Сургут, ул. Энгельса, 8.\n"
    )
    assert fields["client_name"].value == name


def test_r_pin_1_a_legal_form_with_its_region_in_words_and_it_before_za() -> None:
    fields = pin(
        "Просим закрепить его за ООО «Альфа-Гео»:\n\n"
        "МКУ Омской области «Центр кадастровых работ», ИНН "
        f"{CLIENT_INN}, 644000, г. Омск, ул. Ленина, 1.\n"
    )
    assert "Центр кадастровых работ" in fields["client_name"].value
    assert "Альфа-Гео" not in fields["client_name"].value


@pytest.mark.parametrize(
    "sentence",
    [
        "С этим заказчиком работаем с 2018 года, сопровождаем их сервер.",
        "Заказчик обратился к нам по рекомендации соседнего района.",
        "Готовим для них коммерческое предложение на модуль адресного реестра.",
        "Участвуем в аукционе на поставку, заявка подана.",
    ],
)
def test_r_pin_1_a_reason_told_by_history_or_the_deals_stage(sentence: str) -> None:
    fields = pin(
        "Просим закрепить за АО «Альфа-Гео» ООО «Бета» (ИНН "
        f"{CLIENT_INN}), 644000, г. Омск, ул. Ленина, 1.\n\n{sentence}\n"
    )
    assert fields["interest_reason"].status.value == "valid"
    assert sentence.split()[1] in fields["interest_reason"].value


@pytest.mark.parametrize(
    "heading", ["Почему обращаемся", "Предыстория", "Основание для закрепления"]
)
def test_r_pin_1_a_reason_under_a_heading_of_the_partners_own(heading: str) -> None:
    fields = pin(
        f"Клиент: ООО «Бета»\nИНН: {CLIENT_INN}\n"
        f"{heading}: ведём у них пилот ГИС с весны, решение о закупке в декабре\n"
    )
    assert fields["interest_reason"].value.startswith("ведём у них пилот")
