/* How often a password may be tried: a delay that grows with the failures of an account from an
 * address, of an account from everywhere, and of an address for every account; and how many
 * password hashes (Argon2id, 64 MiB each) are computed at once. In memory: a restart forgets.
 *
 * The policy, and why it is no lock-out that an attacker can turn against the account's owner:
 *
 *   account from one address   5 failures free, then each attempt from that address waits
 *                              1 s, 2 s, 4 s … after the last failure, at most 15 minutes;
 *   address, every account     30 failures free, then the same doubling, at most 5 minutes
 *                              (many people may share an address behind a NAT: more are free);
 *   account, every address     10 failures free, then the same doubling, at most 15 minutes —
 *                              but only for the addresses that have themselves failed on the
 *                              account within the hour. An address that has not is always let
 *                              try, so the owner at another address signs in at once however
 *                              many failures an attacker piles up; an attacker who spreads over
 *                              many addresses gets one or a few guesses per address before the
 *                              account's delay holds each of them too.
 *
 * An attempt that is made to wait is not counted as a failure (its password is not checked) and
 * does not push the wait further. A success clears the account's counts (from that address and
 * everywhere), not the address's: an attacker with an account of their own cannot clear their
 * address by signing in to it. Counts are forgotten an hour after an entry's last failure. The
 * table has a fixed size; when it is full the entry failed longest ago gives way. */
#ifndef LMN_LOGIN_LIMIT_H
#define LMN_LOGIN_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

/* Milliseconds this attempt must still wait (0: it may be checked now); now_ms is a monotonic
 * clock, user the user name as given, addr the client's address ("" when unknown). */
int64_t login_limit_wait(const char *user, const char *addr, int64_t now_ms);
/* Records a failed attempt (wrong password, unknown or closed account). */
void login_limit_failed(const char *user, const char *addr, int64_t now_ms);
/* Records a success: the account's counts are cleared. */
void login_limit_succeeded(const char *user, const char *addr, int64_t now_ms);
/* Forgets everything (tests). */
void login_limit_reset(void);

/* Password hashes computed at once: at most LOGIN_HASH_ACTIVE, with at most LOGIN_HASH_QUEUE
 * more waiting, each until LOGIN_HASH_WAIT_MS after since_ms (CLOCK_MONOTONIC milliseconds, when
 * the request arrived; 0: now); beyond that login_hash_begin returns false at once, and the
 * caller answers "busy". Each true is paired with login_hash_end. */
#define LOGIN_HASH_ACTIVE  2
#define LOGIN_HASH_QUEUE   2
#define LOGIN_HASH_WAIT_MS 2000
bool login_hash_begin(int64_t since_ms);
/* As login_hash_begin, waiting as long as it takes: for hashes only an administration computes
 * (a new account's password), which no one outside can flood. */
void login_hash_wait(void);
void login_hash_end(void);

#endif
