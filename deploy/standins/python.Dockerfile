# Stand-in for python:3.11-slim, made locally where no registry can be reached (compose-check):
# Debian bookworm's Python 3.11 where the official image has its own build, and pip installing
# only from the wheelhouse in the build context (made on the host from pyproject.toml's pins).
FROM ptfc-standin/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-pip python-is-python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /usr/lib/python3.*/EXTERNALLY-MANAGED \
 && ln -s /usr/bin/pip3 /usr/local/bin/pip
COPY wheels /wheels
# The official image lets pip install system-wide; here pip may only use the wheelhouse.
ENV PIP_NO_INDEX=1 PIP_FIND_LINKS=/wheels
CMD ["python3"]
