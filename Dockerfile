# syntax=docker/dockerfile:1
# One image for every pledgewatch service (the compose file picks the app each container runs), for
# linux/amd64 and linux/arm64:
#   docker buildx build --build-arg PLEDGEWATCH_COMMIT=$(git describe --always --dirty --abbrev=12 --exclude='*') \
#     --platform linux/amd64,linux/arm64 -t pledgewatch:local .
# PLEDGEWATCH_COMMIT names the commit built (the image has no .git to read it from); without it, `unknown`.
# Dependencies come from uv.lock only (`uv sync --frozen`): no resolution at build time, and every
# dependency of the image has a wheel for both platforms. Only the classifier's core is compiled, by mypyc
# (setup.py) with the build stage's gcc; the final image needs no compiler. The `embedded` extra
# (a redis-server for `pledgewatch run` without REDIS_URL) is not installed: containers use a Redis service.

# python:3.11-slim (Debian trixie, Python 3.11.15), the multi-platform index, pinned by digest.
ARG PYTHON_IMAGE=python:3.11-slim@sha256:90744cff8f32887f075c47d747a173ff333e9e98801667af93c357fa9f5e28ff

FROM ${PYTHON_IMAGE} AS build
# uv itself, pinned with the hashes of its Linux wheels (x86_64, aarch64).
RUN printf '%s\n' 'uv==0.13.9' \
      '  --hash=sha256:d7f459fe4fd247d830351c75686d3996ace3c6f3f728eb0e85a30b7ada0cef19' \
      '  --hash=sha256:5435c5ce14a56431208ca0996416d310f1598e8c2c8ba707688985a16bb82dbe' \
      '  --hash=sha256:ecb6028d79dc96fbeafffe5c8af62a7099487ebc05a701e76714eebcffd06375' > /tmp/uv.txt \
 && pip install --no-cache-dir --require-hashes -r /tmp/uv.txt
# gcc for mypyc's C (setup.py): without it the pure-Python core would be installed, which the check after
# `uv sync` refuses for the image.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/opt/pledgewatch
WORKDIR /src
# The dependencies first, in a layer of their own that a code change does not invalidate.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project --no-cache
COPY schemas ./schemas
COPY services ./services
COPY pledgewatch ./pledgewatch
COPY setup.py ./
# The check runs from / so that it imports the installed package, not the source in /src.
RUN uv sync --frozen --no-dev --no-editable --no-cache \
 && cd / && /opt/pledgewatch/bin/python -c "import sys; from services.classifier.core import build; \
print('classifier core:', build()); sys.exit(build() != 'compiled')"

FROM ${PYTHON_IMAGE}
# /var/spool/pledgewatch: where the compose file keeps unsubscribes Redis cannot take yet, on a volume the notifiers
# and the ledger share; an empty named volume takes this folder's owner and mode (owner-only, the services' user).
RUN useradd --system --uid 10001 --home-dir /var/lib/pledgewatch --create-home pledgewatch \
 && install -d -o pledgewatch -g pledgewatch -m 0700 /var/spool/pledgewatch
COPY --from=build /opt/pledgewatch /opt/pledgewatch
WORKDIR /app
COPY seeds ./seeds
# Last but the settings: a build of another commit makes only the layers from here on again.
ARG PLEDGEWATCH_COMMIT=unknown
ENV PATH=/opt/pledgewatch/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PLEDGEWATCH_COMMIT=${PLEDGEWATCH_COMMIT} \
    PLEDGEWATCH_HOME=/var/lib/pledgewatch \
    PLEDGEWATCH_HTTP_HOST=0.0.0.0 \
    PLEDGEWATCH_HTTP_PORT=8080
# A PLEDGEWATCH_COMMIT naming no commit fails the build here, rather than every container at its start.
RUN python -c "from pledgewatch.build_info import this_build; print('pledgewatch', this_build().named())"
USER pledgewatch
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import os,urllib.request,sys; port = os.environ.get('PLEDGEWATCH_HTTP_PORT') or '8080'; sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=2).status != 200)"
# All four services (ingest, classifier, notifier, ledger) in one process on the Redis in REDIS_URL (needs PLEDGEWATCH_API_TOKEN or a token in
# /var/lib/pledgewatch); the compose file runs each service as a container of its own instead.
CMD ["pledgewatch", "run"]
