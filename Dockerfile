# Waymark on PostgreSQL: docker build -t waymark . ; see README "Running on PostgreSQL".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/app/backend \
    WAYMARK_HOST=0.0.0.0 WAYMARK_PORT=8000

WORKDIR /app
# pg_dump and pg_restore for `waymark backup` / `waymark restore` (Debian's, version 15:
# they must be at least the server's version).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY backend ./backend
COPY frontend ./frontend
COPY locales ./locales
# Glossary, entitlements, pages and themes are read at run time.
COPY content ./content

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin waymark \
    && mkdir -p /app/var && chown waymark /app/var
USER waymark

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["sh", "-c", "python -m waymark.cli migrate && exec python -m waymark.cli serve"]
