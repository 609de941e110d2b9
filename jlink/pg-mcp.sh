#!/bin/sh
# pg-mcp launcher. Runs the Java runtime bundled in this image; no JDK needs to be installed.
# stdout belongs to the MCP protocol on stdio: the JVM is told to print its own messages to stderr.
# Extra JVM options (e.g. -Xmx512m) may be given in PG_MCP_JAVA_OPTS.
self=$(readlink -f "$0" 2>/dev/null || echo "$0")
home=$(cd "$(dirname "$self")/.." && pwd -P) || exit 1
cache=
if [ -f "$home/lib/pg-mcp.aot" ]; then
  cache="-XX:AOTCache=$home/lib/pg-mcp.aot"
fi
# glibc gives each busy thread its own malloc arena and keeps their freed memory: two arenas are plenty
# for a JVM (the Java heap is not malloc'ed) and keep the resident set ~10 MB smaller
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# shellcheck disable=SC2086
exec "$home/bin/java" "@$home/lib/pg-mcp.jvmflags" $cache $PG_MCP_JAVA_OPTS -jar "$home/app/pg-mcp.jar" "$@"
