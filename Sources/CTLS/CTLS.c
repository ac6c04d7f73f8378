#include "CTLS.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>

struct manage_tls {
  SSL_CTX *context;
  SSL *ssl;
};

static void describe(const char *what, char *error, size_t error_size) {
  unsigned long code = ERR_get_error();
  if (code != 0) {
    char reason[256];
    ERR_error_string_n(code, reason, sizeof reason);
    snprintf(error, error_size, "%s: %s", what, reason);
  } else {
    snprintf(error, error_size, "%s", what);
  }
  ERR_clear_error();
}

static void release(manage_tls *tls) {
  if (tls->ssl != NULL) SSL_free(tls->ssl);
  if (tls->context != NULL) SSL_CTX_free(tls->context);
  free(tls);
}

manage_tls *manage_tls_connect(int fd, const char *host, const char *ca_file, int *verify_failed, char *error, size_t error_size) {
  *verify_failed = 0;
  manage_tls *tls = calloc(1, sizeof *tls);
  if (tls == NULL) { snprintf(error, error_size, "out of memory"); return NULL; }
  tls->context = SSL_CTX_new(TLS_client_method());
  if (tls->context == NULL) { describe("cannot make a TLS context", error, error_size); release(tls); return NULL; }
  SSL_CTX_set_min_proto_version(tls->context, TLS1_2_VERSION);
  SSL_CTX_set_verify(tls->context, SSL_VERIFY_PEER, NULL);
  // Servers that close after `Connection: close` without close_notify end the reply there.
  SSL_CTX_set_options(tls->context, SSL_OP_IGNORE_UNEXPECTED_EOF);
  int loaded = ca_file != NULL ? SSL_CTX_load_verify_locations(tls->context, ca_file, NULL) : SSL_CTX_set_default_verify_paths(tls->context);
  if (loaded != 1) {
    describe(ca_file != NULL ? "cannot read the CA file" : "cannot read the system's certificates", error, error_size);
    release(tls);
    return NULL;
  }
  tls->ssl = SSL_new(tls->context);
  if (tls->ssl == NULL) { describe("cannot start TLS", error, error_size); release(tls); return NULL; }
  // An IP address is checked against the certificate's IP names, anything else against its DNS names.
  X509_VERIFY_PARAM *parameters = SSL_get0_param(tls->ssl);
  if (X509_VERIFY_PARAM_set1_ip_asc(parameters, host) != 1) {
    SSL_set_tlsext_host_name(tls->ssl, host);
    X509_VERIFY_PARAM_set_hostflags(parameters, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(parameters, host, 0);
  }
  SSL_set_fd(tls->ssl, fd);
  if (SSL_connect(tls->ssl) != 1) {
    long result = SSL_get_verify_result(tls->ssl);
    if (result != X509_V_OK) {
      *verify_failed = 1;
      snprintf(error, error_size, "the certificate of %s was not accepted: %s", host, X509_verify_cert_error_string(result));
      ERR_clear_error();
    } else {
      describe("the TLS handshake failed", error, error_size);
    }
    release(tls);
    return NULL;
  }
  return tls;
}

manage_tls *manage_tls_accept(int fd, const char *certificate_file, const char *key_file, char *error, size_t error_size) {
  manage_tls *tls = calloc(1, sizeof *tls);
  if (tls == NULL) { snprintf(error, error_size, "out of memory"); return NULL; }
  tls->context = SSL_CTX_new(TLS_server_method());
  if (tls->context == NULL
      || SSL_CTX_use_certificate_chain_file(tls->context, certificate_file) != 1
      || SSL_CTX_use_PrivateKey_file(tls->context, key_file, SSL_FILETYPE_PEM) != 1) {
    describe("cannot load the certificate or key", error, error_size);
    release(tls);
    return NULL;
  }
  tls->ssl = SSL_new(tls->context);
  SSL_set_fd(tls->ssl, fd);
  if (SSL_accept(tls->ssl) != 1) { describe("the TLS handshake failed", error, error_size); release(tls); return NULL; }
  return tls;
}

long manage_tls_write(manage_tls *tls, const void *bytes, size_t length) {
  size_t written = 0;
  while (written < length) {
    size_t count = 0;
    if (SSL_write_ex(tls->ssl, (const char *)bytes + written, length - written, &count) != 1) { ERR_clear_error(); return -1; }
    written += count;
  }
  return (long)written;
}

long manage_tls_read(manage_tls *tls, void *buffer, size_t capacity) {
  size_t count = 0;
  if (SSL_read_ex(tls->ssl, buffer, capacity, &count) == 1) return (long)count;
  int reason = SSL_get_error(tls->ssl, 0);
  ERR_clear_error();
  return reason == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

void manage_tls_close(manage_tls *tls) {
  if (tls == NULL) return;
  SSL_shutdown(tls->ssl);
  release(tls);
}
