"""Classification with mailbox and thread, automatic letters, required fields per kind."""

from __future__ import annotations

import pytest

from parsers import check, classify, extract, is_automatic, parse_letter, required_fields
from parsers.types import FieldStatus, FieldValue, Kind, RequestData


def letter(body: str, subject: str = "", headers: str = "", sender: str = "p@partner.ru"):
    raw = (
        f"From: {sender}\r\nSubject: {subject}\r\n{headers}"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}"
    ).encode()
    return parse_letter(raw)


PIN = (
    "Просим предварительно закрепить клиента ООО «Альфа», ИНН 7204196795. "
    "Причина интереса: закупка."
)
TICKET = "Ошибка: не работает сохранение, приложен лог. Tracker: Неисправность"


def test_pin_request_wording_forms() -> None:
    for phrase in (
        "Прошу закрепить клиента",
        "о закреплении клиента",
        "Предварительное закрепление",
    ):
        assert classify(letter(phrase + " ООО «Альфа»"), "general").kind == Kind.PIN_REQUEST


def test_r_mbx_11_quoted_history_does_not_count() -> None:
    body = "Спасибо, получили.\n\n-----Original Message-----\n" + PIN
    assert classify(letter(body), "general").kind == Kind.INQUIRY


def test_r_mbx_6_r_mbx_9_support_mailbox_prior_and_wrong_mailbox() -> None:
    ticket_at_general = classify(letter(TICKET), "general")
    assert (ticket_at_general.kind, ticket_at_general.wrong_mailbox) == (Kind.TICKET, "support")
    pin_at_support = classify(letter(PIN), "support")
    assert (pin_at_support.kind, pin_at_support.wrong_mailbox) == (Kind.PIN_REQUEST, "general")
    assert classify(letter("Подскажите, пожалуйста"), "support").kind == Kind.INQUIRY
    assert classify(letter(TICKET), "support").wrong_mailbox is None


def test_r_mbx_9_tie_is_ambiguous_not_guessed() -> None:
    body = (
        "Уточните про реестр клиентов и причину интереса, "
        "а также про форму запроса и конечного заказчика"
    )
    verdict = classify(letter(body), "general")
    assert verdict.kind == Kind.INQUIRY and verdict.ambiguous
    assert set(verdict.candidates) == {Kind.PIN_REQUEST, Kind.LICENSE_REQUEST}


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (
            "Направляем перечень специализированного ПО: ГеоКадастр — кадастр — 2019612345",
            Kind.PIN_CONFIRMATION,
        ),
        ("Просим продлить предварительное закрепление на 30 дней", Kind.PIN_EXTENSION),
        ("Ежегодный отчет: проведенные поставки — 5 лицензий", Kind.ANNUAL_REPORT),
        ("Спасибо, ждем ответа", Kind.FOLLOWUP),
    ],
)
def test_followups_in_a_pin_thread(body: str, kind: Kind) -> None:
    assert classify(letter(body), "general", thread_kind="pin_request").kind == kind


def test_followups_in_a_license_thread() -> None:
    paid = letter("Оплата произведена, платежное поручение № 5 от 01.03.2026")
    assert classify(paid, "general", thread_kind="license_request").kind == Kind.LICENSE_DOCUMENTS
    assert (
        classify(letter("Когда будет счет?"), "general", thread_kind="license").kind
        == Kind.FOLLOWUP
    )


def test_r_thr_8_ticket_thread_reply_stays_followup_but_a_new_pin_request_splits() -> None:
    assert classify(letter(TICKET), "support", thread_kind="ticket").kind == Kind.FOLLOWUP
    split = classify(letter(PIN + "\nКонтактные лица: см. ниже"), "support", thread_kind="ticket")
    assert split.kind == Kind.PIN_REQUEST
    assert any("R-THR-8" in r for r in split.reasons)


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        ("Auto-Submitted: auto-replied\r\n", "p@partner.ru", "Auto-Submitted"),
        ("Precedence: bulk\r\n", "p@partner.ru", "Precedence"),
        ("X-Autoreply: yes\r\n", "p@partner.ru", "x-autoreply"),
        ("List-Id: <list.example>\r\n", "p@partner.ru", "List-Id"),
        ("", "MAILER-DAEMON@mx.ru", "automatic sender"),
        ("", "noreply@service.ru", "automatic sender"),
        ("", "postmaster@partner.ru", "automatic sender"),
    ],
)
def test_automatic_letters(headers: str, sender: str, reason: str) -> None:
    found = is_automatic(letter("текст", headers=headers, sender=sender))
    assert found is not None and reason in found


def test_person_letters_are_not_automatic() -> None:
    assert is_automatic(letter("текст", headers="Auto-Submitted: no\r\n")) is None
    assert is_automatic(letter("текст", sender="noreplyman@partner.ru")) is None


def _ticket(**fields: object) -> RequestData:
    values = {
        code: FieldValue(code, FieldStatus.VALID, value=value) for code, value in fields.items()
    }
    return RequestData(Kind.TICKET, values)


def test_ticket_requirements_depend_on_tracker() -> None:
    common = {"tracker", "description", "legal_entity", "license_contract", "software_name"}
    assert set(required_fields(_ticket(tracker="support"))) == common
    assert set(required_fields(_ticket(tracker="feature"))) == common | {
        "component",
        "business_task",
    }
    bug = set(required_fields(_ticket(tracker="bug")))
    # D-46: self-diagnosis is required for bugs only.
    assert "self_diagnosis" in bug and "steps_to_reproduce" in bug and "priority" in bug
    assert "self_diagnosis" not in required_fields(_ticket(tracker="feature"))


def test_one_log_satisfies_both_log_fields() -> None:
    raw = (
        b"From: p@partner.ru\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTracker: Error\r\n"
        b"--b\r\nContent-Type: text/plain\r\n"
        b'Content-Disposition: attachment; filename="app.log"\r\n\r\n'
        b"2026-03-01 10:00:00 ERROR x\r\n--b--\r\n"
    )
    request = extract(parse_letter(raw), Kind.TICKET)
    assert request.fields["app_logs"].value == ["app.log"]
    assert request.fields["base_software_logs"].value == ["app.log"]  # D-24


def test_kpp_required_only_for_ten_digit_inn() -> None:
    ten = RequestData(
        Kind.LICENSE_REQUEST, {"inn": FieldValue("inn", FieldStatus.VALID, value="7204196795")}
    )
    twelve = RequestData(
        Kind.LICENSE_REQUEST, {"inn": FieldValue("inn", FieldStatus.VALID, value="500100000015")}
    )
    assert "kpp" in required_fields(ten)
    assert "kpp" not in required_fields(twelve)
    assert "signed_form" not in required_fields(ten, require_signed_form=False)


def test_pin_ref_required_only_outside_a_thread() -> None:
    request = RequestData(Kind.PIN_EXTENSION, {})
    assert check(request).missing == ()
    assert check(request, in_thread=False).missing == ("pin_ref",)


def test_r_val_1_missing_and_invalid_are_distinct_and_reported_once() -> None:
    body = "Прошу закрепить клиента.\nИНН: 7204196796\nАдрес клиента: ____\n"
    findings = check(extract(letter(body), Kind.PIN_REQUEST))
    assert [i.field for i in findings.invalid] == ["client_inn"]
    assert "client_address" in findings.missing and "client_inn" not in findings.missing
    assert len(findings.missing) == len(set(findings.missing))


def test_pin_status_query_is_a_sub_kind_without_pinning_intent() -> None:
    query = classify(
        letter("Подскажите, свободен ли клиент ООО «Альфа», ИНН 7204196795?"), "general"
    )
    assert (query.kind, query.event) == (Kind.PIN_REQUEST, "pin_status_query")
    request = classify(
        letter("Свободен ли клиент ИНН 7204196795? Если да, просим закрепить."), "general"
    )
    assert (request.kind, request.event) == (Kind.PIN_REQUEST, None)


@pytest.mark.parametrize(
    ("body", "event"),
    [
        ("Какой срок решения по заявке?", "status_query"),
        ("Отзываем заявку, клиент отказался", "withdrawal"),
        ("Спасибо, вопрос решен, можно закрывать", "resolution_confirmed"),
        ("Ошибка повторяется после обновления", "problem_persists"),
        ("Спасибо!", None),
    ],
)
def test_followup_events(body: str, event: str | None) -> None:
    assert classify(letter(body), "support", thread_kind="ticket").event == event


def test_ticket_legal_entity_from_the_text_when_not_labelled() -> None:
    body = (
        "У клиента ООО «Ромашка» (ИНН 7204196795) не работает печать.\n\n"
        "С уважением,\nООО «Партнер»"
    )
    value = extract(letter(body), Kind.TICKET).fields["legal_entity"]
    assert value.status == FieldStatus.VALID
    assert value.value == {"name": "ООО «Ромашка»", "inn": "7204196795"}


def test_scan_only_license_request_asks_for_a_text_copy() -> None:
    raw = (
        b"From: p@partner.ru\r\nSubject: =?utf-8?B?0JfQsNC/0YDQvtGBINC70LjRhtC10L3Qt9C40Lk=?=\r\n"
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
        b"See attached\r\n--b\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="scan.jpg"\r\n\r\n'
        b"/9j/4AAQSkZJRgABAQAAAQABAAD/2Q==\r\n"
        b"--b--\r\n"
    )
    parsed = parse_letter(raw)
    assert classify(parsed, "general").kind == Kind.LICENSE_REQUEST
    request = extract(parsed, Kind.LICENSE_REQUEST)
    assert request.fields["signed_form"].status == FieldStatus.VALID
    assert "scan_without_text" in request.flags


def test_combined_annual_report_lists_every_client() -> None:
    body = (
        "Ежегодный отчет по клиентам.\n"
        "1) ООО «Альфа», ИНН 7204196795: проведенные поставки — 3 лицензии ГеоКадастр\n"
        "2) ИП Кузьмин А.А., ИНН 500100000015: планируемые поставки — 2 лицензии в 2026 году\n"
    )
    request = extract(letter(body), Kind.ANNUAL_REPORT)
    assert request.fields["pin_ref"].value == {"inn": "7204196795"}
    assert request.fields["pin_refs"].value == [{"inn": "7204196795"}, {"inn": "500100000015"}]
    assert check(request).complete


def test_partner_staff_are_not_client_contacts() -> None:
    body = (
        "Прошу закрепить клиента ООО «Альфа».\n"
        "Контактные лица:\nИванов Иван Иванович, +7 912 111-22-33\n"
        "Петров Петр Петрович, petrov@partner.ru\n"
    )
    contacts = extract(letter(body), Kind.PIN_REQUEST).fields["contacts"]
    # D-15: the partner's own employee does not count, so one client contact is too few.
    assert contacts.status == FieldStatus.INVALID
    assert "Петров Петр Петрович" in contacts.reason
    prose = "Прошу закрепить клиента ООО «Альфа».\nСидоров Олег Ильич, sidorov@partner.ru\n"
    assert extract(letter(prose), Kind.PIN_REQUEST).fields["contacts"].status == FieldStatus.MISSING


def _corpus_haystacks(corpus_root) -> list[str]:
    from parsers.classify import _haystack
    from parsers.errors import UnreadableLetter

    texts = []
    for line in (corpus_root / "index.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        try:
            letter = parse_letter((corpus_root / line.split("\t")[0]).read_bytes())
        except UnreadableLetter:
            continue
        texts.append(_haystack(letter))
    for seed in sorted((corpus_root.parent.parent / "seeds").glob("*.txt")):
        texts.append(seed.read_text(encoding="utf-8"))
    return texts


def test_r_mbx_9_signals_searched_in_lowercased_text_find_what_case_insensitive_ones_do(
    corpus_root,
) -> None:
    """classify.score searches `text.lower()` with lowercased patterns (3× faster than
    re.I); over the real corpus, the regulations and SHOUTED wording they match alike."""
    from parsers.classify import score
    from parsers.signals import FORM_MARKERS, FORM_MARKERS_FOLDED, SIGNALS, SIGNALS_FOLDED

    shouted = (
        "РЕСУРС СОТРУДНИКА ГО. ЗАЯВКА НА УЧАСТИЕ В ПАРТНЕРСКОЙ ПРОГРАММЕ, Р/СЧЁТ, БИК, ОГРН, "
        "М.П., ИСХ. № 5. ПРОШУ ЗАКРЕПИТЬ клиента. Ошибка: НЕ РАБОТАЕТ. Service Desk, TRACKER."
    )
    texts = [shouted, *_corpus_haystacks(corpus_root)]
    pairs = [(a[2], b[2]) for a, b in zip(SIGNALS, SIGNALS_FOLDED, strict=True)]
    pairs += list(zip(FORM_MARKERS, FORM_MARKERS_FOLDED, strict=True))
    matched = 0
    for text in texts:
        folded = text.lower()
        if len(folded) != len(text):
            continue  # score() uses the case-insensitive patterns for such a text
        for original, lowered in pairs:
            found = original.search(text)
            assert (found and found.span()) == (
                (again := lowered.search(folded)) and again.span()
            ), (original.pattern, text[:80])
            matched += found is not None
    assert matched > 50
    scores, reasons = score(parse_letter(_shouting_letter(shouted)), None)
    assert scores[Kind.RESOURCE] >= 4 and any("РЕСУРС СОТРУДНИКА ГО" in r for r in reasons)


def _shouting_letter(body: str) -> bytes:
    return (
        "From: a@b.ru\r\nTo: mail@technocom.tech\r\nSubject: =?utf-8?b?0JfQsNC/0YDQvtGB?=\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
    ).encode()
