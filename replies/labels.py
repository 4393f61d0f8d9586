"""Russian wording for field codes, kinds and states (R-VAL-7, R-NTF-1)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldHelp:
    label: str
    example: str
    why: str


_FIELDS: dict[str, FieldHelp] = {
    "client_name": FieldHelp(
        "Наименование клиента", "ООО «Ромашка»", "чтобы однозначно определить организацию"
    ),
    "client_inn": FieldHelp(
        "ИНН клиента",
        "7204196795 (10 цифр для организации, 12 — для ИП)",
        "ИНН — ключ реестра клиентов, по нему проверяется закрепление",
    ),
    "client_address": FieldHelp(
        "Адрес клиента",
        "625013, г. Тюмень, ул. Пермякова, д. 1",
        "чтобы отличить клиента от одноименных организаций",
    ),
    "contract_ref": FieldHelp(
        "Номер и дата договора / государственного контракта",
        "Договор № 12/34-ЛД от 01.02.2026",
        "в рамках договора планируется поставка или сопровождение ПО",
    ),
    "interest_reason": FieldHelp(
        "Причина интереса к клиенту",
        "планируется внедрение модуля учета",
        "головной офис оценивает обоснованность закрепления",
    ),
    "contacts": FieldHelp(
        "Контактные лица клиента (не менее двух)",
        "Иванов Иван Иванович, +7 (3452) 39-31-33, ivanov@client.ru",
        "для подтверждения интереса клиента и урегулирования спорных ситуаций",
    ),
    "legal_entity": FieldHelp(
        "Юридическое лицо, по которому поступает запрос",
        "ООО «Ромашка», ИНН 7204196795",
        "чтобы найти договор и условия сопровождения клиента",
    ),
    "license_contract": FieldHelp(
        "Данные лицензионного договора (номер, дата)",
        "Лицензионный договор № 15-Л от 10.03.2025",
        "поддержка оказывается действующим клиентам по лицензионному договору",
    ),
    "software_name": FieldHelp(
        "Наименование специализированного ПО",
        "ТехноКад-Экспресс",
        "чтобы направить обращение профильным специалистам",
    ),
    "description": FieldHelp(
        "Краткое описание проблемы или вопроса",
        "при сохранении документа появляется ошибка «Нет доступа»",
        "без описания невозможно начать работу по обращению",
    ),
    "component": FieldHelp(
        "Функциональный компонент системы",
        "модуль импорта данных",
        "чтобы определить ответственную команду разработки",
    ),
    "base_software": FieldHelp(
        "Базовое ПО: наименование и версия",
        "PostgreSQL 15.4",
        "многие сбои связаны с версией платформы",
    ),
    "end_customer": FieldHelp(
        "Конечный заказчик",
        "АО «Заказчик»",
        "лицензии оформляются на конечного пользователя",
    ),
    "inn": FieldHelp(
        "ИНН организации-заявителя",
        "7204196795",
        "для оформления лицензионного соглашения и счета",
    ),
}


def field_help(code: str) -> FieldHelp:
    """Label, example and reason for a field; unknown codes fall back to the code itself."""
    return _FIELDS.get(code, FieldHelp(code, "", "нужно для обработки обращения"))


_KINDS = {
    "pin_request": "Запрос на предварительное закрепление клиента",
    "license_request": "Запрос лицензий",
    "ticket": "Заявка в Service Desk",
    "resource": "Запрос ресурса сотрудников головного офиса",
    "sd_account": "Запрос учетной записи Service Desk",
    "inquiry": "Обращение в головной офис",
}

_STATES = {
    "needs_info": "ожидает уточнения данных от вас",
    "open": "в работе",
    "resolved": "решение предоставлено, ожидается ваше подтверждение",
    "deferred": "отложено до выхода обновления",
    "closed": "закрыто",
    "rejected": "отклонено",
    "merged": "объединено с другим обращением",
}


def kind_title(kind: str) -> str:
    return _KINDS.get(kind, "Обращение")


def state_title(state: str) -> str:
    return _STATES.get(state, state)


TRACKERS = {
    "bug": "Неисправность (ошибка, сбой)",
    "feature": "Разработка (новый функционал)",
    "support": "Консультация (поддержка)",
}
PRIORITIES = {"urgent": "Срочный", "high": "Высокий", "normal": "Нормальный", "low": "Низкий"}

# R-TKT-17 refusal reasons and closing reasons in plain Russian (A-TKT-REJ, A-TKT-CLOSED).
REASONS = {
    "unidentified": "адрес отправителя не зарегистрирован в Service Desk",
    "license_violation": "нарушение условий лицензионного договора",
    "insufficient_info": "недостаточно информации для решения",
    "incomprehensible": "обращение сформулировано непонятно",
    "offensive_language": "обращение содержит некорректные выражения",
    "out_of_scope": "вопрос не входит в предмет технической поддержки",
    "self_diagnosis_failed": "самостоятельная диагностика выявила неисправность базового ПО, "
    "СУБД, сети или прав доступа",
    "confirmed": "вы подтвердили, что вопрос решен",
    "auto": "подтверждение решения не поступило в установленный срок",
    "hq": "решение головного офиса",
    "feature_declined": "доработка не будет выполнена",
    "not_partner": "у отправителя нет действующего дистрибьюторского соглашения",
}


def tracker_title(code: str | None) -> str:
    return TRACKERS.get(code or "", "не указан")


def priority_title(code: str | None) -> str:
    return PRIORITIES.get(code or "", "не указан")


def reason_title(code: str | None) -> str:
    return REASONS.get(code or "", code or "")
