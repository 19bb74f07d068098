/* The client's certificate on a TLS connection (mutual TLS of the 1177 contracts' listener). Apart
 * from server.c: gnutls.h declares a "params" of its own. */
#include "http/tls.h"

#include <gnutls/gnutls.h>

bool tls_client_trusted(void *tls_session)
{
	gnutls_session_t session = tls_session;
	unsigned status = 0, n = 0;

	if (!session || !gnutls_certificate_get_peers(session, &n) || n == 0)
		return false;
	return gnutls_certificate_verify_peers2(session, &status) == GNUTLS_E_SUCCESS &&
	       status == 0;
}
