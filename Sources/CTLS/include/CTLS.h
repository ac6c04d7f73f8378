#include <stddef.h>

/// TLS over a connected socket, on the system's OpenSSL (libssl-dev). Opaque to Swift so that
/// OpenSSL's headers never meet swift-crypto's BoringSSL ones.
typedef struct manage_tls manage_tls;

/// Starts TLS as a client on the connected socket `fd` to `host`: SNI, the certificate chain
/// checked against the system's trust store (or `ca_file` when not NULL; OpenSSL also honours
/// SSL_CERT_FILE) and the name checked against `host`. On failure returns NULL and writes
/// the reason into `error`; `*verify_failed` is 1 when the certificate was the reason.
manage_tls *manage_tls_connect(int fd, const char *host, const char *ca_file, int *verify_failed, char *error, size_t error_size);

/// Starts TLS as a server on the accepted socket `fd` with a PEM certificate and key (the test
/// suites' loopback servers). NULL and `error` on failure.
manage_tls *manage_tls_accept(int fd, const char *certificate_file, const char *key_file, char *error, size_t error_size);

/// Writes all of `length` bytes; the count written, or -1.
long manage_tls_write(manage_tls *tls, const void *bytes, size_t length);

/// Reads up to `capacity` bytes: the count, 0 at the end of the stream, -1 on error or timeout.
long manage_tls_read(manage_tls *tls, void *buffer, size_t capacity);

/// Sends close_notify and frees the session (the socket stays the caller's to close).
void manage_tls_close(manage_tls *tls);
