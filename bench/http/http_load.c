/* A small HTTP/1.1 load client for `lmn serve` over loopback: N keep-alive connections, each sending
 * its next request as soon as the answer to the last one has arrived (a closed loop), for a fixed
 * time after a warm-up. Prints throughput, latency percentiles from a histogram and the status codes.
 *
 * Kinds of request, against the patients of a targets file ("PATIENT_ID ITEM_ID" per line, for
 * the 1177 contracts "PATIENT_ID ITEM_ID ID_NUMBER PRESCRIPTION_ID"):
 *   place          POST /api/patients/{id}/orders, one line of the item, a distinct Idempotency-Key
 *   list           GET /api/patients/{id}/orders
 *   rivta-order    RegisterMedicalSupplyOrder of the item (SOAP), a distinct Orderer each (the
 *                  contract's retry key covers the orderer: every request is a new order)
 *   rivta-prescriptions  GetMedicalSupplyPrescriptions of the patient (SOAP)
 * With --tls-ca, --tls-cert and --tls-key (PEM) the connections are HTTPS with a client
 * certificate (mutual TLS, GnuTLS), each handshake once when the connection opens.
 * Usage: http_load --port N --targets FILE --kind place|list|rivta-order|rivta-prescriptions
 *                  [--token FILE] [--rivta-version 1|2] [--tls-ca F --tls-cert F --tls-key F]
 *                  [--connections 64] [--threads 2] [--duration 10] [--warmup 2] [--key-prefix S] */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <gnutls/gnutls.h>

#define MAX_CONNS   4096
#define MAX_THREADS 64
#define IN_CAP	    (256u * 1024u) /* an answer larger than this is an error */

/* Latency histogram, log-linear: exact below 2^SUB_BITS ns, then 2^SUB_BITS sub-buckets per power
 * of two (under 1 % error), up to 2^44 ns (about 4.9 hours). */
#define SUB_BITS 7
#define SUB	 (1u << SUB_BITS)
#define GROUPS	 (44 - SUB_BITS + 1)
#define NBUCKETS ((GROUPS + 1) * SUB)

struct hist {
	uint64_t n[NBUCKETS];
	uint64_t count, max_ns;
};

static unsigned hist_index(uint64_t ns)
{
	unsigned msb, g;

	if (ns < SUB)
		return (unsigned)ns;
	msb = 63u - (unsigned)__builtin_clzll(ns);
	g = msb - SUB_BITS + 1;
	if (g > GROUPS)
		return NBUCKETS - 1;
	return g * SUB + (unsigned)((ns >> (msb - SUB_BITS)) - SUB);
}

/* The smallest value that falls into bucket i. */
static uint64_t hist_value(unsigned i)
{
	unsigned g = i / SUB, m = i % SUB;

	return g == 0 ? m : (uint64_t)(SUB + m) << (g - 1);
}

static void hist_add(struct hist *h, uint64_t ns)
{
	h->n[hist_index(ns)]++;
	h->count++;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

static void hist_merge(struct hist *to, const struct hist *from)
{
	for (unsigned i = 0; i < NBUCKETS; i++)
		to->n[i] += from->n[i];
	to->count += from->count;
	if (from->max_ns > to->max_ns)
		to->max_ns = from->max_ns;
}

/* The value at quantile q (0…1): the upper edge of the bucket that holds it, capped at the max. */
static uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t want = (uint64_t)(q * (double)h->count + 0.5), seen = 0;

	if (want == 0)
		want = 1;
	for (unsigned i = 0; i < NBUCKETS; i++) {
		seen += h->n[i];
		if (seen >= want) {
			uint64_t up = i + 1 < NBUCKETS ? hist_value(i + 1) - 1 : h->max_ns;
			return up < h->max_ns ? up : h->max_ns;
		}
	}
	return h->max_ns;
}

enum kind { PLACE, LIST, RIVTA_ORDER, RIVTA_PRESCRIPTIONS };

struct target {
	int64_t patient, item, prescription;
	char id_number[16];
};

struct opts {
	enum kind kind;
	const char *host;
	int port;
	int connections, threads;
	double duration, warmup;
	char token[160];
	const char *key_prefix;
	struct target *targets;
	size_t ntargets;
	int rivta_version;
	gnutls_certificate_credentials_t tls; /* NULL: plain HTTP */
};

/* Status codes counted per thread: 100–599; 0 counts answers that could not be parsed. */
struct counts {
	uint64_t status[600];
	uint64_t sock_errors, reconnects;
	uint64_t result_errors; /* SOAP answers 200 whose ResultCode is ERROR */
};

struct conn {
	int fd;
	gnutls_session_t tls;
	int id;
	char req[4096];
	size_t req_len;
	char *in;
	size_t in_len;
	uint64_t started; /* ns, when the request was sent */
	uint64_t seq;	  /* requests sent on this connection */
	uint64_t rng;
};

struct worker {
	pthread_t thread;
	int index;
	const struct opts *o;
	struct conn *conns;
	int nconns;
	struct hist hist;
	struct counts counts;
	char first_error[512]; /* the first non-2xx answer, for the report */
};

static atomic_int phase;		     /* 0 warm-up, 1 measuring, 2 stop */
static uint64_t measure_from, measure_until; /* set before the workers start */

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define SOAP_OPEN                                                                        \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                   \
	"<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">" \
	"<soapenv:Header><LogicalAddress xmlns=\"urn:riv:itintegration:registry:1\">"    \
	"SE2321000016-LMN1</LogicalAddress></soapenv:Header><soapenv:Body>"
#define SOAP_CLOSE "</soapenv:Body></soapenv:Envelope>"

/* A request of the 1177 contracts (the bench's LogicalAddress is run.sh's --logical-address). */
static int build_soap(const struct opts *o, const struct target *t, struct conn *c)
{
	const char *name = o->kind == RIVTA_ORDER ? "RegisterMedicalSupplyOrder"
						  : "GetMedicalSupplyPrescriptions";
	const char *area = o->rivta_version == 1 ? "DIABETES" : "<code>DIABETES</code>";
	char body[2048];
	int nb;

	if (o->kind == RIVTA_PRESCRIPTIONS)
		nb = snprintf(
			body, sizeof(body),
			SOAP_OPEN
			"<r:%s xmlns:r=\"urn:riv:crm:selfservice:medicalsupply:"
			"%sResponder:%d\"><r:SubjectOfCareId>%s</r:SubjectOfCareId></r:%s>" SOAP_CLOSE,
			name, name, o->rivta_version, t->id_number, name);
	else
		nb = snprintf(
			body, sizeof(body),
			SOAP_OPEN
			"<r:%s xmlns:r=\"urn:riv:crm:selfservice:medicalsupply:"
			"%sResponder:%d\" xmlns=\"urn:riv:crm:selfservice:medicalsupply:%d\">"
			"<r:Order><SubjectOfCareId>%s</SubjectOfCareId>"
			"<Orderer>Bench %s-%d-%llu</Orderer><OrderByDelegate>false</OrderByDelegate>"
			"<OrderRow><PrescriptionId>%lld</PrescriptionId>"
			"<PrescriptionItemId>%lld</PrescriptionItemId><DeliveryChoice>"
			"<DeliveryMethodId>1</DeliveryMethodId><DeliveryMethod>HEMLEVERANS"
			"</DeliveryMethod><HomeDeliveryAddress><Receiver>Bench Patient</Receiver>"
			"<Street>Mätgatan 1</Street><PostalCode>11122</PostalCode>"
			"<City>Stockholm</City><Phone>0701234567</Phone></HomeDeliveryAddress>"
			"</DeliveryChoice><Article><ArticleNo>1</ArticleNo><ArticleName>Bench"
			"</ArticleName><PackageSize>1</PackageSize><ProductArea>%s</ProductArea>"
			"<IsOrderable>true</IsOrderable></Article><NoOfPackages>1</NoOfPackages>"
			"<NoOfPcs>0</NoOfPcs><Source>BP</Source></OrderRow></r:Order></r:%s>" SOAP_CLOSE,
			name, name, o->rivta_version, o->rivta_version, t->id_number, o->key_prefix,
			c->id, (unsigned long long)c->seq, (long long)t->prescription,
			(long long)t->item, area, name);
	if (nb <= 0 || (size_t)nb >= sizeof(body))
		return 0;
	return snprintf(
		c->req, sizeof(c->req),
		"POST /crm/selfservice/medicalsupply/%s/%d/rivtabp21 HTTP/1.1\r\n"
		"Host: %s\r\nContent-Type: text/xml; charset=UTF-8\r\n"
		"SOAPAction: \"urn:riv:crm:selfservice:medicalsupply:%sResponder:%d:%s\"\r\n"
		"Content-Length: %d\r\n\r\n%s",
		name, o->rivta_version, o->host, name, o->rivta_version, name, nb, body);
}

/* The next request for this connection: a random target; a new Idempotency-Key each order. */
static void build_request(const struct opts *o, struct conn *c)
{
	const struct target *t = &o->targets[xorshift(&c->rng) % o->ntargets];
	char body[256];
	int nb, n;

	if (o->kind == RIVTA_ORDER || o->kind == RIVTA_PRESCRIPTIONS) {
		n = build_soap(o, t, c);
	} else if (o->kind == LIST) {
		n = snprintf(c->req, sizeof(c->req),
			     "GET /api/patients/%lld/orders HTTP/1.1\r\nHost: %s\r\n"
			     "Authorization: Bearer %s\r\n\r\n",
			     (long long)t->patient, o->host, o->token);
	} else {
		nb = snprintf(body, sizeof(body),
			      "{\"reason\":\"Patienten ringde (benchmark)\",\"lines\":[{"
			      "\"prescription_item_id\":%lld,\"quantity\":1}],"
			      "\"delivery\":{\"method\":\"home\"}}",
			      (long long)t->item);
		n = snprintf(c->req, sizeof(c->req),
			     "POST /api/patients/%lld/orders HTTP/1.1\r\nHost: %s\r\n"
			     "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
			     "Idempotency-Key: %s-%d-%llu\r\nContent-Length: %d\r\n\r\n%s",
			     (long long)t->patient, o->host, o->token, o->key_prefix, c->id,
			     (unsigned long long)c->seq, nb, body);
	}
	c->req_len = n > 0 && (size_t)n < sizeof(c->req) ? (size_t)n : 0;
}

static int connect_to(const struct opts *o, gnutls_session_t *tls)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->host, &a.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (o->tls) { /* the handshake on the blocking socket, then on as usual */
		int rc;

		if (gnutls_init(tls, GNUTLS_CLIENT) != GNUTLS_E_SUCCESS) {
			close(fd);
			return -1;
		}
		if (gnutls_set_default_priority(*tls) != GNUTLS_E_SUCCESS ||
		    gnutls_credentials_set(*tls, GNUTLS_CRD_CERTIFICATE, o->tls) !=
			    GNUTLS_E_SUCCESS ||
		    gnutls_server_name_set(*tls, GNUTLS_NAME_DNS, "localhost", 9) !=
			    GNUTLS_E_SUCCESS) {
			gnutls_deinit(*tls);
			*tls = NULL;
			close(fd);
			return -1;
		}
		gnutls_session_set_verify_cert(*tls, "localhost", 0);
		gnutls_transport_set_int(*tls, fd);
		do
			rc = gnutls_handshake(*tls);
		while (rc < 0 && !gnutls_error_is_fatal(rc));
		if (rc < 0) {
			fprintf(stderr, "TLS handshake: %s\n", gnutls_strerror(rc));
			gnutls_deinit(*tls);
			*tls = NULL;
			close(fd);
			return -1;
		}
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static void conn_close(struct conn *c)
{
	if (c->tls) {
		gnutls_deinit(c->tls);
		c->tls = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* recv, through TLS when the connection has it; -1 with errno EAGAIN when nothing is there. */
static ssize_t conn_recv(struct conn *c, char *p, size_t n)
{
	ssize_t r;

	if (!c->tls)
		return recv(c->fd, p, n, 0);
	r = gnutls_record_recv(c->tls, p, n);
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
		errno = EAGAIN;
		return -1;
	}
	return r < 0 ? -1 : r;
}

/* Sends the whole request (small: the socket buffer takes it at once; waits if it does not). */
static bool send_all(struct conn *c, const char *p, size_t n)
{
	int fd = c->fd;

	while (n > 0) {
		ssize_t w;

		if (c->tls) {
			w = gnutls_record_send(c->tls, p, n);
			if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED) {
				errno = EAGAIN;
				w = -1;
			} else if (w < 0) {
				errno = EIO;
				w = -1;
			}
		} else {
			w = send(fd, p, n, MSG_NOSIGNAL);
		}
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };
			(void)poll(&pf, 1, 1000);
		} else {
			return false;
		}
	}
	return true;
}

static bool send_next(struct worker *w, struct conn *c)
{
	build_request(w->o, c);
	if (!c->req_len)
		return false;
	c->seq++;
	c->in_len = 0;
	c->started = now_ns();
	return send_all(c, c->req, c->req_len);
}

/* The three digits of a status code; 0 when they are not digits. */
static int status_of(const char *p)
{
	if (p[0] < '1' || p[0] > '5' || p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9')
		return 0;
	return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* A complete answer in c->in: its length (headers and body), 0 while incomplete, -1 when it cannot
 * be read. *status gets the status code, *close whether the server will close. */
static long parse_answer(const struct conn *c, int *status, bool *close_after)
{
	const char *end, *p, *h;
	long clen = -1;
	size_t head;

	if (c->in_len < 12)
		return 0;
	end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	if (!end)
		return c->in_len >= IN_CAP ? -1 : 0;
	head = (size_t)(end - c->in) + 4;
	if (strncmp(c->in, "HTTP/1.", 7) != 0)
		return -1;
	*status = status_of(c->in + 9);
	*close_after = false;
	for (h = memchr(c->in, '\n', head); h && h < end; h = memchr(h, '\n', (size_t)(end - h))) {
		h++;
		if (strncasecmp(h, "Content-Length:", 15) == 0) {
			clen = strtol(h + 15, NULL, 10);
		} else if (strncasecmp(h, "Connection:", 11) == 0) {
			for (p = h + 11; *p == ' '; p++)
				;
			*close_after = strncasecmp(p, "close", 5) == 0;
		}
	}
	if (clen < 0 || (size_t)clen > IN_CAP)
		return -1; /* only answers with a length are expected from lmn */
	if (c->in_len < head + (size_t)clen)
		return 0;
	return (long)(head + (size_t)clen);
}

static void count_answer(struct worker *w, struct conn *c, int status, uint64_t done)
{
	/* Only requests sent and answered inside the measured window count. */
	if (c->started < measure_from || done > measure_until)
		return;
	hist_add(&w->hist, done - c->started);
	w->counts.status[status >= 100 && status < 600 ? status : 0]++;
	if (status == 200 && (w->o->kind == RIVTA_ORDER || w->o->kind == RIVTA_PRESCRIPTIONS) &&
	    memmem(c->in, c->in_len, "ResultCode>ERROR<", 17)) {
		w->counts.result_errors++;
		status = 0; /* for the report below */
	}
	if ((status < 200 || status > 299) && !w->first_error[0]) {
		const char *body = memmem(c->in, c->in_len, "\r\n\r\n", 4);
		snprintf(w->first_error, sizeof(w->first_error), "%d %.*s", status,
			 body ? (int)(c->in_len - (size_t)(body + 4 - c->in)) : 0,
			 body ? body + 4 : "");
	}
}

static bool reopen(struct worker *w, int ep, struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

	if (c->fd >= 0)
		epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	conn_close(c);
	c->fd = connect_to(w->o, &c->tls);
	if (c->fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
		return false;
	w->counts.reconnects++;
	return true;
}

static void *run_worker(void *arg)
{
	struct worker *w = arg;
	struct epoll_event evs[64];
	int ep = epoll_create1(0), live = 0;

	if (ep < 0)
		return NULL;
	for (int i = 0; i < w->nconns; i++) {
		struct conn *c = &w->conns[i];
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

		c->fd = connect_to(w->o, &c->tls);
		if (c->fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0 ||
		    !send_next(w, c)) {
			w->counts.sock_errors++;
			continue;
		}
		live++;
	}
	while (live > 0) {
		int n = epoll_wait(ep, evs, 64, 200);

		/* A server that stops answering must not hang the run. */
		if (atomic_load(&phase) == 2 && now_ns() > measure_until + 10000000000u)
			break;

		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			ssize_t r;
			int status = 0;
			bool close_after = false;
			long len;
			uint64_t done;

		again:
			r = conn_recv(c, c->in + c->in_len, IN_CAP - c->in_len);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0) {
				w->counts.sock_errors++;
				if (atomic_load(&phase) == 2 || !reopen(w, ep, c) ||
				    !send_next(w, c))
					live--;
				continue;
			}
			c->in_len += (size_t)r;
			len = parse_answer(c, &status, &close_after);
			/* TLS may hold records already read from the socket: epoll does not see them. */
			if (len == 0 && c->tls && gnutls_record_check_pending(c->tls) > 0)
				goto again;
			if (len == 0)
				continue;
			done = now_ns();
			if (len < 0) {
				w->counts.status[0]++;
				close_after = true;
			} else {
				count_answer(w, c, status, done);
			}
			if (atomic_load(&phase) == 2) {
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				live--;
				continue;
			}
			if ((close_after && !reopen(w, ep, c)) || !send_next(w, c)) {
				w->counts.sock_errors++;
				live--;
			}
		}
	}
	for (int i = 0; i < w->nconns; i++)
		conn_close(&w->conns[i]);
	close(ep);
	return NULL;
}

/* Reads "PATIENT_ID ITEM_ID" lines. */
static bool load_targets(const char *path, struct opts *o)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0;
	long long p, i;

	if (!f) {
		perror(path);
		return false;
	}
	char line[256];

	while (fgets(line, sizeof(line), f)) {
		long long rx = 0;
		char idn[16] = "";

		if (sscanf(line, "%lld %lld %15s %lld", &p, &i, idn, &rx) < 2)
			continue;
		if (o->ntargets == cap) {
			struct target *t;
			cap = cap ? cap * 2 : 4096;
			t = realloc(o->targets, cap * sizeof(*t));
			if (!t) {
				fclose(f);
				return false;
			}
			o->targets = t;
		}
		o->targets[o->ntargets].patient = p;
		o->targets[o->ntargets].item = i;
		o->targets[o->ntargets].prescription = rx;
		memcpy(o->targets[o->ntargets].id_number, idn, sizeof(idn));
		if ((o->kind == RIVTA_ORDER || o->kind == RIVTA_PRESCRIPTIONS) &&
		    (!idn[0] || !rx)) {
			fprintf(stderr,
				"%s: the 1177 contracts need ID_NUMBER and PRESCRIPTION_ID\n",
				path);
			fclose(f);
			return false;
		}
		o->ntargets++;
	}
	fclose(f);
	if (!o->ntargets)
		fprintf(stderr, "%s: no targets\n", path);
	return o->ntargets > 0;
}

static bool load_token(const char *path, struct opts *o)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f) {
		perror(path);
		return false;
	}
	ok = fgets(o->token, sizeof(o->token), f) != NULL;
	fclose(f);
	o->token[strcspn(o->token, "\r\n")] = '\0';
	if (!ok || !o->token[0])
		fprintf(stderr, "%s: no token\n", path);
	return ok && o->token[0];
}

static bool parse_num(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static void sleep_until(uint64_t t)
{
	uint64_t n;

	while ((n = now_ns()) < t) {
		struct timespec d = { .tv_sec = (time_t)((t - n) / 1000000000u),
				      .tv_nsec = (long)((t - n) % 1000000000u) };
		nanosleep(&d, NULL);
	}
}

static const char usage[] =
	"usage: http_load --port N --targets FILE --kind place|list|rivta-order|rivta-prescriptions\n"
	"                 [--token FILE] [--host ADDR] [--rivta-version 1|2]\n"
	"                 [--tls-ca FILE --tls-cert FILE --tls-key FILE]\n"
	"                 [--connections N] [--threads N] [--duration S] [--warmup S] [--key-prefix S]\n";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "host", required_argument, NULL, 'h' },
		{ "token", required_argument, NULL, 't' },
		{ "targets", required_argument, NULL, 'T' },
		{ "kind", required_argument, NULL, 'k' },
		{ "connections", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "key-prefix", required_argument, NULL, 'K' },
		{ "rivta-version", required_argument, NULL, 'V' },
		{ "tls-ca", required_argument, NULL, 'A' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'Y' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .kind = LIST,
			  .host = "127.0.0.1",
			  .connections = 64,
			  .threads = 2,
			  .duration = 10,
			  .warmup = 2,
			  .key_prefix = "bench",
			  .rivta_version = 1 };
	const char *token_path = NULL, *targets_path = NULL;
	const char *tls_ca = NULL, *tls_cert = NULL, *tls_key = NULL;
	static const char *const kind_names[] = { "place", "list", "rivta-order",
						  "rivta-prescriptions" };
	static struct worker workers[MAX_THREADS];
	struct hist all;
	struct counts total;
	uint64_t ok = 0, non2xx = 0, t0;
	double v, secs;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!parse_num(optarg, 1, 65535, &v))
				goto bad;
			o.port = (int)v;
			break;
		case 'h':
			o.host = optarg;
			break;
		case 't':
			token_path = optarg;
			break;
		case 'T':
			targets_path = optarg;
			break;
		case 'K':
			o.key_prefix = optarg;
			break;
		case 'k':
			if (strcmp(optarg, "place") == 0)
				o.kind = PLACE;
			else if (strcmp(optarg, "list") == 0)
				o.kind = LIST;
			else if (strcmp(optarg, "rivta-order") == 0)
				o.kind = RIVTA_ORDER;
			else if (strcmp(optarg, "rivta-prescriptions") == 0)
				o.kind = RIVTA_PRESCRIPTIONS;
			else
				goto bad;
			break;
		case 'V':
			if (!parse_num(optarg, 1, 2, &v))
				goto bad;
			o.rivta_version = (int)v;
			break;
		case 'A':
			tls_ca = optarg;
			break;
		case 'C':
			tls_cert = optarg;
			break;
		case 'Y':
			tls_key = optarg;
			break;
		case 'c':
			if (!parse_num(optarg, 1, MAX_CONNS, &v))
				goto bad;
			o.connections = (int)v;
			break;
		case 'n':
			if (!parse_num(optarg, 1, MAX_THREADS, &v))
				goto bad;
			o.threads = (int)v;
			break;
		case 'd':
			if (!parse_num(optarg, 0.1, 86400, &o.duration))
				goto bad;
			break;
		case 'w':
			if (!parse_num(optarg, 0, 3600, &o.warmup))
				goto bad;
			break;
		default:
			goto bad;
		}
	}
	if (optind != argc || !o.port || !targets_path ||
	    (!token_path && (o.kind == PLACE || o.kind == LIST)) ||
	    (!tls_ca + !tls_cert + !tls_key) % 3 != 0)
		goto bad;
	if ((token_path && !load_token(token_path, &o)) || !load_targets(targets_path, &o))
		return 1;
	if (tls_ca) {
		int rc;

		if (gnutls_global_init() != GNUTLS_E_SUCCESS ||
		    gnutls_certificate_allocate_credentials(&o.tls) != GNUTLS_E_SUCCESS)
			return 1;
		if ((rc = gnutls_certificate_set_x509_trust_file(o.tls, tls_ca,
								 GNUTLS_X509_FMT_PEM)) <= 0 ||
		    (rc = gnutls_certificate_set_x509_key_file(o.tls, tls_cert, tls_key,
							       GNUTLS_X509_FMT_PEM)) < 0) {
			fprintf(stderr, "TLS files: %s\n", rc < 0 ? gnutls_strerror(rc) : "no CA");
			return 1;
		}
	}
	if (o.threads > o.connections)
		o.threads = o.connections;

	for (int i = 0; i < o.threads; i++) {
		struct worker *w = &workers[i];
		w->index = i;
		w->o = &o;
		w->nconns = o.connections / o.threads + (i < o.connections % o.threads);
		w->conns = calloc((size_t)w->nconns, sizeof(*w->conns));
		if (!w->conns)
			return 1;
		for (int j = 0; j < w->nconns; j++) {
			struct conn *cn = &w->conns[j];
			cn->fd = -1;
			cn->id = i * MAX_CONNS + j;
			cn->rng = 0x9e3779b97f4a7c15u ^ ((uint64_t)cn->id * 0x100000001b3u + 1);
			cn->in = malloc(IN_CAP);
			if (!cn->in)
				return 1;
		}
	}
	t0 = now_ns();
	measure_from = t0 + (uint64_t)(o.warmup * 1e9);
	measure_until = measure_from + (uint64_t)(o.duration * 1e9);
	for (int i = 0; i < o.threads; i++)
		if (pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]) != 0) {
			fprintf(stderr, "cannot start thread %d\n", i);
			return 1;
		}
	sleep_until(measure_until);
	atomic_store(&phase, 2);
	for (int i = 0; i < o.threads; i++)
		pthread_join(workers[i].thread, NULL);

	memset(&all, 0, sizeof(all));
	memset(&total, 0, sizeof(total));
	for (int i = 0; i < o.threads; i++) {
		hist_merge(&all, &workers[i].hist);
		for (int s = 0; s < 600; s++)
			total.status[s] += workers[i].counts.status[s];
		total.sock_errors += workers[i].counts.sock_errors;
		total.reconnects += workers[i].counts.reconnects;
		total.result_errors += workers[i].counts.result_errors;
	}
	for (int s = 200; s < 300; s++)
		ok += total.status[s];
	ok -= total.result_errors;
	non2xx = all.count - ok;
	secs = o.duration;
	printf("%s%s: %d connections, %d client threads, %.1f s measured after %.1f s warm-up\n",
	       kind_names[o.kind], o.tls ? " (mutual TLS)" : "", o.connections, o.threads, secs,
	       o.warmup);
	printf("  %llu answers, %.0f/s; 2xx %llu, other %llu", (unsigned long long)all.count,
	       (double)all.count / secs, (unsigned long long)ok, (unsigned long long)non2xx);
	for (int s = 0; s < 600; s++)
		if ((s < 200 || s > 299) && total.status[s])
			printf(" [%d: %llu]", s, (unsigned long long)total.status[s]);
	if (total.result_errors)
		printf(" [ResultCode ERROR: %llu]", (unsigned long long)total.result_errors);
	printf("; socket errors %llu\n", (unsigned long long)total.sock_errors);
	printf("  latency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n",
	       (double)hist_quantile(&all, 0.50) / 1e6, (double)hist_quantile(&all, 0.90) / 1e6,
	       (double)hist_quantile(&all, 0.99) / 1e6, (double)all.max_ns / 1e6);
	for (int i = 0; i < o.threads; i++)
		if (workers[i].first_error[0]) {
			printf("  first non-2xx answer: %.300s\n", workers[i].first_error);
			break;
		}
	/* One line for scripts. */
	printf("RESULT kind=%s conns=%d secs=%.1f answers=%llu rps=%.0f ok=%llu non2xx=%llu "
	       "sockerr=%llu p50=%.3f p90=%.3f p99=%.3f max=%.3f\n",
	       kind_names[o.kind], o.connections, secs, (unsigned long long)all.count,
	       (double)all.count / secs, (unsigned long long)ok, (unsigned long long)non2xx,
	       (unsigned long long)total.sock_errors, (double)hist_quantile(&all, 0.50) / 1e6,
	       (double)hist_quantile(&all, 0.90) / 1e6, (double)hist_quantile(&all, 0.99) / 1e6,
	       (double)all.max_ns / 1e6);
	for (int i = 0; i < o.threads; i++) {
		for (int j = 0; j < workers[i].nconns; j++)
			free(workers[i].conns[j].in);
		free(workers[i].conns);
	}
	free(o.targets);
	if (o.tls) {
		gnutls_certificate_free_credentials(o.tls);
		gnutls_global_deinit();
	}
	return 0;
bad:
	fputs(usage, stderr);
	return 2;
}
