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

# matplotlib (/chart) keeps its font cache in MPLCONFIGDIR, which must be writable by the bot:
# elsewhere it falls back to a fresh temporary directory and rebuilds the cache every start.
ENV MPLCONFIGDIR=/var/cache/matplotlib
RUN useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin bot \
    && mkdir -p /data "$MPLCONFIGDIR" \
    && chown bot:bot /data "$MPLCONFIGDIR"
USER bot
# Build the font cache now, as the bot's user, so the first /chart is not seconds slower.
RUN python -c "import matplotlib.font_manager as fm; fm.findfont('DejaVu Sans')"

# The SQLite file (bot.sqlite3) and the generated key (secret.key) live here.
VOLUME ["/data"]

# Healthy: the database answers and the monitor's heartbeat in /data is fresh (bot/health.py).
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

# `python -m bot` applies the migrations, then starts the bot; SIGTERM stops it cleanly within
# 25 s, so run it with `docker run --stop-timeout 30` (Docker's default is 10 s) or Compose's
# `stop_grace_period: 30s`.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
