#!/bin/sh
# pg-mcp launcher. Runs the Java runtime bundled in this image; no JDK needs to be installed.
# stdout belongs to the MCP protocol on stdio: the JVM is told to print its own messages to stderr.
# Extra JVM options (e.g. -Xmx512m) may be given in PG_MCP_JAVA_OPTS.
# where the image is, with as few processes as may be (each one is a millisecond of every start): readlink
# only when the launcher was started through a link to it, the directory by parameter expansion
self=$0
if [ -L "$self" ]; then
  self=$(readlink -f "$self" 2>/dev/null || echo "$self")
fi
case $self in
  */*) bin=${self%/*} ;;
  *) bin=. ;;
esac
home=$(cd -P -- "$bin/.." && pwd -P) || exit 1
# glibc gives each busy thread its own malloc arena and keeps their freed memory: two arenas are plenty
# for a JVM (the Java heap is not malloc'ed) and keep the resident set ~10 MB smaller
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# the cache's path is one argument even when the image's path has spaces; PG_MCP_JAVA_OPTS is split on them
if [ -f "$home/lib/pg-mcp.aot" ]; then
  # shellcheck disable=SC2086
  exec "$home/bin/java" "@$home/lib/pg-mcp.jvmflags" "-XX:AOTCache=$home/lib/pg-mcp.aot" $PG_MCP_JAVA_OPTS \
    -jar "$home/app/pg-mcp.jar" "$@"
fi
# shellcheck disable=SC2086
exec "$home/bin/java" "@$home/lib/pg-mcp.jvmflags" $PG_MCP_JAVA_OPTS -jar "$home/app/pg-mcp.jar" "$@"
