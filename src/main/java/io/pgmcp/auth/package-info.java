/**
 * Who is calling over HTTP: static named bearer tokens and OAuth 2.1 access tokens (signed JWTs checked against
 * each trusted issuer's published keys, or opaque tokens checked by RFC 7662 introspection), turned into a
 * {@link io.pgmcp.auth.Principal} or a refusal with the status and {@code WWW-Authenticate} challenge to send.
 *
 * <p>The server is a resource server only: a token is accepted only when it names this server as its audience,
 * and it is never passed on to anything else. Signature checks use the JDK's own crypto; time is read through
 * the injected {@link java.time.Clock}.
 */
package io.pgmcp.auth;
