# ruff: noqa: E501 — one signal per row reads better than patterns wrapped over lines.
"""Inquiries to HQ roles by the §5 groups of questions (000 §5, R-HQ-2, R-HQ-3).

A letter about co-financing, training, events, strategy or the quality of the Service Desk
is a question for an HQ role, not a Service Desk ticket, whichever mailbox it reaches
(spec §2.2: an inquiry may arrive at either). The words are seed 000 §5's own, in their
Russian forms, with the synonyms partners use.
"""

from __future__ import annotations

from parsers.types import Kind

# (group of R-HQ-2, weight, pattern over the lowercased text)
ROUTING_SIGNALS: tuple[tuple[str, int, str], ...] = (
    # strategy → ceo: «системные изменения, новые рынки и отрасли, новое направление развития продукта»
    (
        "strategy",
        3,
        r"стратегическ\w+\s+(?:развити|партнерств|сотрудничеств)|выход\w*\s+на\s+нов\w+\s+(?:рын|отрасл)|нов\w+\s+направлени\w+\s+развития",
    ),
    # sales_cooperation → deputy_ceo: «софинансирование активностей и материалов по продвижению»
    ("sales_cooperation", 4, r"софинансир"),
    (
        "sales_cooperation",
        2,
        r"(?:рекламн|маркетингов)\w+\s+(?:кампани|материал|активност|бюджет|мероприяти)|материал\w*\s+(?:по|для)\s+продвижени|совместн\w+\s+(?:продвижени|маркетинг|реклам)",
    ),
    # product_events → deputy_science: «участие в мероприятиях, событиях … обратная связь от клиентов»
    (
        "product_events",
        2,
        r"участи\w+\s+в\s+(?:\w+\s+){0,2}(?:конференци|форум|выставк|семинар|мероприяти)|конференци\w+\s+пользовател",
    ),
    # training → dir_methodology: «обучение и адаптация, учебные материалы, аттестация»
    (
        "training",
        3,
        r"(?:обучени|аттестаци|сертификаци)\w*\s+(?:и\s+\w+\s+)?(?:\w+\s+){0,2}(?:сотрудник|инженер|специалист|партнер)|пройти\s+(?:\w+\s+)?(?:обучени|аттестаци)",
    ),
    (
        "training",
        2,
        r"учебн\w+\s+(?:материал|курс|программ)|обучающ\w+\s+материал|сертификат\w*\s+на\s+(?:каждого|инженер|специалист|сотрудник)",
    ),
    # tech_support → dir_software_dev: «некачественная или недостаточная работа Service Desk»
    (
        "tech_support",
        4,
        r"жалоб\w*\s+на\s+(?:\w+\s+){0,3}(?:service\s+desk|сервис\s*деск|техподдержк|поддержк|качеств)",
    ),
    (
        "tech_support",
        3,
        r"(?:не|низко)качественн\w+\s+(?:\w+\s+)?работ|качеств\w+\s+(?:работы|ответов)\s+(?:service\s+desk|сервис|поддержк|техподдержк)|приоритизаци\w+\s+(?:наших\s+)?(?:заяв|обращен|вопрос)",
    ),
)
INQUIRY_SIGNALS: tuple[tuple[Kind, int, str], ...] = tuple(
    (Kind.INQUIRY, weight, pattern) for _, weight, pattern in ROUTING_SIGNALS
)
