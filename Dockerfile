# partnerdesk service image: `partnerdesk run` configured from PARTNERDESK_* variables.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PARTNERDESK_SMTP__HOST=0.0.0.0 \
    PARTNERDESK_SMTP__PORT=2525 \
    PARTNERDESK_DATABASE_URL=sqlite:////data/partnerdesk.sqlite3 \
    PARTNERDESK_OUTBOX__MAILDIR=/data/outbox

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY parsers ./parsers
COPY replies ./replies
COPY config ./config
RUN pip install --no-cache-dir . && useradd --system --home /data partnerdesk \
    && mkdir -p /data && chown partnerdesk /data

USER partnerdesk
WORKDIR /data
VOLUME ["/data"]
EXPOSE 2525
CMD ["partnerdesk", "run"]
