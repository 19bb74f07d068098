/* The civil date the rules count in. The type and its functions live in util/date.h, below the
 * clock that needs them too; the rules and the layers above them include it by this name. */
#ifndef LMN_DATE_H
#define LMN_DATE_H

#include "util/date.h"

#endif
