/* An address as the API shows it (address.h). */
#include "api/address.h"

json_t *api_address_json(const char *address, const char *postal_code, const char *city,
			 const char *phone, const char *door_code)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "address", address ? address : "", "postal_code",
			      postal_code ? postal_code : "", "city", city ? city : "");

	if (o && phone)
		json_object_set_new(o, "phone", json_string(phone));
	if (o && door_code)
		json_object_set_new(o, "door_code", json_string(door_code));
	return o;
}
