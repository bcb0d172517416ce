/* placeholder: being written */
#include "unpack.h"
const struct unpack_backend unpack_gzip = {"gzip", 0};
