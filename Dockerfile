# eventsourced on Alpine: the app image that ./build.sh makes (jlinked runtime, jars, launcher,
# AOT cache), built on a musl JDK and copied onto plain Alpine. See docs/packaging.md.
#
#   docker build -t eventsourced .                                  # JDK 25 runtime (the default)
#   docker build --build-arg JDK_VERSION=21 -t eventsourced:jdk21 . # any eclipse-temurin tag prefix
#   docker run -d -p 2069:2069 -v $PWD/config.yml:/etc/eventsourced/config.yml:ro eventsourced
#
# JDK 25 by default: on JDK 21-23 the JDK's HTTP server does its socket I/O inside synchronized
# blocks, which pin virtual threads to their carriers; JDK 24+ (JEP 491) no longer pins there.

ARG JDK_VERSION=25
ARG ALPINE_VERSION=3.22

# --- build: the same ./build.sh as everywhere else, on musl (a glibc runtime does not run on Alpine)
FROM eclipse-temurin:${JDK_VERSION}-jdk-alpine AS build
# bash runs build.sh and the jlink scripts, binutils brings strip (libjvm.so: -5 MB)
RUN apk add --no-cache bash binutils maven
WORKDIR /src
COPY pom.xml build.sh ./
COPY jlink/ jlink/
COPY src/main/ src/main/
# Built where it will live, like the AOT cache made for it.
RUN --mount=type=cache,target=/root/.m2 EVENTSOURCED_IMAGE_DIR=/opt/eventsourced ./build.sh

# --- run: Alpine, the app image, a config for containers, no root
FROM alpine:${ALPINE_VERSION}
RUN addgroup -S -g 10001 eventsourced && adduser -S -D -H -u 10001 -G eventsourced eventsourced
COPY --from=build /opt/eventsourced /opt/eventsourced
COPY packaging/docker/config.yml /etc/eventsourced/config.yml
# The runtime must start on this libc: fail the image build here rather than at `docker run`.
RUN /opt/eventsourced/bin/eventsourced -v
# Numeric, so that Kubernetes' runAsNonRoot can check it.
USER 10001:10001
EXPOSE 2069
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD wget -q -T 2 -O /dev/null http://127.0.0.1:2069/healthz || exit 1
ENTRYPOINT ["/opt/eventsourced/bin/eventsourced"]
