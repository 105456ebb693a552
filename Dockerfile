# One image for every pledgewatch service; the compose file picks the app to run.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY services ./services
COPY pledgewatch ./pledgewatch
COPY seeds ./seeds
RUN pip install --no-cache-dir .
USER nobody
ENV PLEDGEWATCH_HTTP_HOST=0.0.0.0 PLEDGEWATCH_HTTP_PORT=8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status != 200)"
