# capmock: mock Capillary event emitter and webhook contract-test harness.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY schemas ./schemas
COPY scenarios ./scenarios
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 capmock
USER 10001
WORKDIR /home/capmock

ENTRYPOINT ["capmock"]
CMD ["--help"]
