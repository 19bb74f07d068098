/* Mutual TLS: whether a connection's client showed a certificate the trusted CA issued. */
#ifndef LMN_TLS_H
#define LMN_TLS_H

#include <stdbool.h>

/* tls_session: libmicrohttpd's MHD_CONNECTION_INFO_GNUTLS_SESSION (a gnutls_session_t). */
bool tls_client_trusted(void *tls_session);

#endif
