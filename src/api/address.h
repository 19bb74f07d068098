/* An address as the API shows it: a patient's temporary address, an order's delivery address
 * and the distributor's pick list all write it the same way. */
#ifndef LMN_API_ADDRESS_H
#define LMN_API_ADDRESS_H

#include <jansson.h>

/* {"address", "postal_code", "city"} (NULL as ""), then "phone" and "door_code" unless NULL. */
json_t *api_address_json(const char *address, const char *postal_code, const char *city,
			 const char *phone, const char *door_code);

#endif
