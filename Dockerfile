# capmock: mock Capillary event emitter and webhook contract-test harness.
# Default: `capmock serve` on 0.0.0.0:8080 (page, REST API, mock Capillary APIs, sinks).
# Any other command: docker run --network host capmock check --target http://127.0.0.1:9000/hook
# The bundled scenarios and schemas ship inside the installed package (package data).
FROM python:3.11-slim

# MALLOC_ARENA_MAX: glibc keeps an arena per request thread; two return the sinks' freed
# bodies to the system (bench/serve_memory.py: 255 -> 134 MB after 60 x 4 MB POSTs).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    MALLOC_ARENA_MAX=2

WORKDIR /tmp/capmock-src
COPY pyproject.toml setup.py README.md ./
COPY src ./src
COPY schemas ./schemas
COPY scenarios ./scenarios
RUN pip install --no-cache-dir . \
    && rm -rf /tmp/capmock-src \
    && useradd --create-home --uid 10001 capmock
USER 10001
WORKDIR /home/capmock

EXPOSE 8080
ENTRYPOINT ["capmock"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
