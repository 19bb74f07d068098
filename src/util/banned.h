/* Functions that must not appear in new code (STYLE.md, Memory). The build force-includes this
 * file; it pulls in the headers that declare them first, so only our own uses fail to compile. */
#ifndef LMN_BANNED_H
#define LMN_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LMN_BANNED(f) sorry_##f##_is_banned_in_lmn

#undef strcpy
#define strcpy(a, b) LMN_BANNED(strcpy)
#undef strcat
#define strcat(a, b) LMN_BANNED(strcat)
#undef sprintf
#define sprintf(...) LMN_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) LMN_BANNED(vsprintf)
#undef strtok
#define strtok(a, b) LMN_BANNED(strtok)
#undef strncpy
#define strncpy(a, b, n) LMN_BANNED(strncpy)
#undef strncat
#define strncat(a, b, n) LMN_BANNED(strncat)
#undef strtok_r
#define strtok_r(a, b, c) LMN_BANNED(strtok_r)
#undef gets
#define gets(a) LMN_BANNED(gets)
#undef atoi
#define atoi(a) LMN_BANNED(atoi)

#endif
