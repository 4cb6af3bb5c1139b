# syntax=docker/dockerfile:1
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data

WORKDIR /app

# Dependencies first, in their own layer: rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY alembic.ini ./
COPY migrations ./migrations
COPY bot ./bot

RUN useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin bot \
    && mkdir -p /data \
    && chown bot:bot /data
USER bot

# The SQLite file (bot.sqlite3) and the generated key (secret.key) live here.
VOLUME ["/data"]

# `python -m bot` applies the migrations, then starts the bot; SIGTERM stops it cleanly.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
